"""The running assistant for tests, evaluations and benchmarks: a fresh database (SQLite file or PostgreSQL
schema) with knowledge/ loaded, and the real servers (trained model + action server) in front of it.

Shared by tests/, evals/ and bench/ so that none of them imports another's fixtures; runtime code never imports it.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import requests
from sqlalchemy import create_engine, select, text

from nuanxin import db, knowledge, migrate, settings
from nuanxin.models import ConversationEvent

ROOT = settings.ROOT
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
MODEL = ROOT / "models" / "current.tar.gz"


def fresh_database(kind: str, tmp: Path) -> Iterator[str]:
    """A migrated database with knowledge/ loaded: a SQLite file, or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / f'nuanxin-{uuid.uuid4().hex[:8]}.db'}"
        migrate.upgrade(url)
        with db.session_scope(url) as session:
            knowledge.load(session)
        yield url
        db.engine(url).dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate.upgrade(url)
        with db.session_scope(url) as session:
            knowledge.load(session)
        yield url
    finally:
        db.engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


class Assistant:
    """The running assistant: Rasa's HTTP server in front of our action server, over one database."""

    def __init__(self, database_url: str, logs: Path, model: Path = MODEL, env: dict[str, str] | None = None,
                 action_env: dict[str, str] | None = None) -> None:
        """`env` is added to every process's environment, `action_env` to the action server's only (fault tests
        give it its own way to the database)."""
        if not model.exists():
            raise RuntimeError("no trained model: run `make test` (it trains models/current.tar.gz first)")
        self.database_url = database_url
        self.logs = logs
        self.action_port, self.rasa_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.token = secrets.token_urlsafe(24)  # Rasa's HTTP API answers only with it (the REST channel is public)
        self.action_url = f"http://127.0.0.1:{self.action_port}"
        self.frontend_secret = secrets.token_urlsafe(24)  # the bot's door (nuanxin.messaging.channels)
        self.env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1",
                    "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
                    "NUANXIN_ACTION_SECRET": secrets.token_urlsafe(24),
                    "NUANXIN_FRONTEND_SECRET": self.frontend_secret, "NUANXIN_ACTION_URL": f"{self.action_url}/webhook",
                    **(env or {})}
        self.action_env = {**self.env, **(action_env or {})}
        self._rasa_cmd = [sys.executable, "-m", "nuanxin.nlu.cli", "run", "-m", str(model), "--endpoints",
                          "endpoints.yml", "--credentials", "credentials.yml", "--enable-api",
                          f"--auth-token={self.token}", "-i", "127.0.0.1", "-p"]
        self._actions: subprocess.Popen | None = None
        self._rasa: subprocess.Popen | None = None
        self.replicas: dict[str, subprocess.Popen] = {}

    def start(self) -> "Assistant":
        self.start_actions()
        self.start_rasa()
        return self

    def start_actions(self) -> None:
        log = self.logs / f"actions-{self.action_port}.log"
        self._actions = subprocess.Popen(
            [sys.executable, "-m", "nuanxin.messaging.action_server", "-p", str(self.action_port)],
            cwd=ROOT, env=self.action_env, stdout=log.open("a"), stderr=subprocess.STDOUT)
        wait_for(f"{self.action_url}/health", self._actions, 60, log)

    def stop_actions(self) -> None:
        stop(self._actions)

    def start_rasa(self) -> None:
        self._rasa = self._start_rasa_on(self.rasa_port)

    def start_replica(self) -> str:
        """Another Rasa process over the same database, locks and action server; its URL."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        self.replicas[url] = self._start_rasa_on(port)
        return url

    def kill_replica(self, url: str) -> None:
        """As a machine dying does: no clean-up at all."""
        self.replicas[url].kill()
        self.replicas[url].wait()

    def _start_rasa_on(self, port: int) -> subprocess.Popen:
        log = self.logs / f"rasa-{port}.log"
        proc = subprocess.Popen([*self._rasa_cmd, str(port)], cwd=ROOT, env=self.env, stdout=log.open("a"),
                                stderr=subprocess.STDOUT)
        wait_for(f"http://127.0.0.1:{port}/status?token={self.token}", proc, 180, log)
        return proc

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in (("rasa", self._rasa), ("actions", self._actions)) if proc}

    def stop_rasa(self) -> None:
        stop(self._rasa)

    def stop(self) -> None:
        for proc in self.replicas.values():
            stop(proc)
        stop(self._rasa)
        stop(self._actions)

    def say(self, sender: str, message: str, metadata: dict | None = None, url: str | None = None,
            timeout: float = 30) -> list[dict]:
        body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
        response = requests.post(f"{url or self.rasa_url}/webhooks/rest/webhook", json=body, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def say_on_telegram(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """What the bot does for a Telegram user: the front-end door, with its secret, naming the channel."""
        response = requests.post(f"{self.rasa_url}/webhooks/frontend/webhook", timeout=timeout,
                                 json={"sender": sender, "message": message, "channel": "telegram"},
                                 headers={"Authorization": f"Bearer {self.frontend_secret}"})
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token},
                                timeout=30)
        response.raise_for_status()
        return response.json()

    def parse(self, message: str) -> dict:
        response = requests.post(f"{self.rasa_url}/model/parse", params={"token": self.token}, json={"text": message},
                                 timeout=30)
        response.raise_for_status()
        return response.json()


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def running_assistant(database_url: str, logs: Path, model: Path = MODEL, env: dict[str, str] | None = None,
                      action_env: dict[str, str] | None = None) -> Iterator[Assistant]:
    assistant = Assistant(database_url, logs, model, env, action_env)
    try:
        yield assistant.start()
    finally:
        assistant.stop()


def age_conversation(database_url: str, sender: str, seconds: float) -> None:
    """Move a conversation `seconds` into the past (Rasa judges a session by the time of the last message), as if
    the rider came back that much later."""
    with db.session_scope(database_url) as session:
        for event in session.execute(select(ConversationEvent).where(
                ConversationEvent.sender_id == sender)).scalars():
            data = json.loads(event.data)
            data["timestamp"] = event.timestamp = (event.timestamp or data["timestamp"]) - seconds
            event.data = json.dumps(data)
