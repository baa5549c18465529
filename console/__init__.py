"""The hotline staff console: server-rendered pages over the core (nuanxin.console and the capabilities' modules);
an adapter like bot/ and actions/, so it never touches the database itself."""
