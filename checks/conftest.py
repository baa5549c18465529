"""`make check`: what can only be checked against documents outside the repository (see evals/sources.py).

These are not part of `make test`, which a clone on its own must pass; `.ci/run` runs both. When the documents
are missing the run stops at once with one clear message instead of a page of errors.
"""
from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest

from evals import nlu as ev
from evals import sources
from nuanxin import settings

MODEL = settings.ROOT / "models" / "current.tar.gz"


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        sources.seed_text()
        sources.require(sources.HOLDOUT_DIR)
    except sources.MissingSource as missing:
        pytest.exit(str(missing), returncode=2)
    if not MODEL.exists():
        pytest.exit("no trained model: run `make check` (it trains models/current.tar.gz first)", returncode=2)


class Parser:
    """The trained model in this process: the holdout sets have thousands of sentences, no server needed."""

    def __init__(self) -> None:
        self.agent, _ = ev.load_agent(str(MODEL))
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        return self.loop.run_until_complete(self.agent.parse_message(text))


@pytest.fixture(scope="session")
def parser() -> Iterator[Parser]:
    parser = Parser()
    yield parser
    parser.loop.close()
