"""Build the policy and station indexes when the action server starts, not on a rider's first question.

Runs in a daemon thread so the server starts at once; if the database is not reachable yet, the indexes are
simply built on first use as before.
"""
from __future__ import annotations

import logging
import threading

from nuanxin.policy import search
from nuanxin.station import gazetteer
from nuanxin.station import index as stations

log = logging.getLogger(__name__)


def _build() -> None:
    try:
        search.shared_index()
        stations.shared_index()
        gazetteer.shared()
    except Exception:  # warming up is an optimisation; a failure here must not stop the server
        log.warning("index warm-up failed; indexes will be built on first use", exc_info=True)


threading.Thread(target=_build, name="index-warmup", daemon=True).start()
