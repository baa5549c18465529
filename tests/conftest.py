"""Shared fixtures: real databases (SQLite and PostgreSQL) and the real servers (trained model + action server).

Conversation tests talk to Rasa's REST channel exactly as every front end does; nothing of ours is mocked.
`make test` trains the model first (models/current.tar.gz).
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from harness.assistant import Assistant, fresh_database, running_assistant

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test, on each of SQLite and PostgreSQL."""
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture(scope="session", params=DATABASES)
def assistant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The whole assistant, once over SQLite and once over PostgreSQL."""
    tmp = tmp_path_factory.mktemp(f"assistant-{request.param}")
    for url in fresh_database(request.param, tmp):
        yield from running_assistant(url, tmp)


@pytest.fixture
def sender() -> str:
    """A new conversation for each test."""
    return f"test-{uuid.uuid4().hex[:10]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons", [])]
