"""NuanXin core: the district's domain logic and the one shared database.

`actions/`, `bot/` and any console are thin adapters over this package, so a rule lives in one place
whichever front door a worker comes through.
"""
