"""`python -m nuanxin.prepare`: migrate the database, load knowledge/, write the NLU files derived from it.

Every entry point (make run, make serve, make test) calls this first, so a fresh clone and an old checkout
end up in the same state.
"""
from __future__ import annotations

import logging

from nuanxin import db, knowledge, migrate, settings
from nuanxin.nlu import lookups, userdict

log = logging.getLogger(__name__)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    migrate.upgrade()
    with db.session_scope() as session:
        counts = knowledge.load(session)
    userdict.write(settings.VAR_DIR / "jieba")
    lookups.write(settings.VAR_DIR / "nlu")
    log.info("database ready; knowledge loaded: %s", counts)


if __name__ == "__main__":
    main()
