"""Shared fixtures: real databases (SQLite and PostgreSQL) and the real servers (trained model + action server).

Conversation tests talk to Rasa's REST channel exactly as every front end does; nothing of ours is mocked.
`make test` trains the model first (models/current.tar.gz).
"""
from __future__ import annotations

import random
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from harness.assistant import Assistant, fresh_database, running_assistant, stop
from harness.fake_telegram import FakeTelegram, text_update
from harness.telegram_bot import start_bot

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


GB11643_WEIGHTS, GB11643_CHECK = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), "10X98765432"


def new_id_number() -> str:
    """A well-formed resident ID number (GB 11643 check digit) nobody else in a shared database has used."""
    body = f"110105{random.randint(1960, 2000)}0101{random.randint(100, 999)}"
    return body + GB11643_CHECK[sum(int(d) * w for d, w in zip(body, GB11643_WEIGHTS)) % 11]


def new_phone() -> str:
    return f"137{random.randint(10**7, 10**8 - 1)}"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


# --- Telegram: the real bot against a fake Bot API server on 127.0.0.1 ---------------------------------------------


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bot(assistant: Assistant, fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The polling bot, relaying to `assistant`; yields its working folder (photos land there)."""
    workdir = tmp_path_factory.mktemp("bot")
    proc = start_bot(assistant, fake, workdir)
    yield workdir
    stop(proc)


@pytest.fixture
def rider() -> int:
    return random.randint(10**8, 10**9)


def say(fake: FakeTelegram, rider: int, text: str) -> float:
    sent = time.monotonic()
    fake.push(text_update(fake.new_update_id(), rider, text))
    return sent


def replies(fake: FakeTelegram, rider: int, after: float, count: int = 1) -> list[str]:
    return [c.params["text"] for c in fake.wait_for("sendMessage", rider, after=after, count=count)]
