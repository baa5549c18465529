"""The real Telegram bot process, pointed at the fake Bot API server and a running assistant."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from harness.assistant import ROOT, Assistant, stop
from harness.fake_telegram import FakeTelegram


def start_bot(assistant: Assistant, fake: FakeTelegram, workdir: Path, **env: str) -> subprocess.Popen:
    log = workdir / f"bot-{time.monotonic_ns()}.log"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_TOKEN": fake.token,
             "TELEGRAM_BASE_URL": fake.base_url, "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
             "RASA_URL": assistant.rasa_url, "DATABASE_URL": assistant.database_url,
             "NUANXIN_FRONTEND_SECRET": assistant.frontend_secret,
             "NUANXIN_PHOTO_DIR": str(workdir / "photos"), "NUANXIN_MAX_PHOTO_MB": "1",
             "NUANXIN_RETRY_INTERVAL_S": "1", "NUANXIN_OUTBOX_INTERVAL_S": "0.2", **env})
    try:
        fake.wait_for("getMe", after=started, timeout=60)
    except AssertionError:
        stop(proc)
        raise AssertionError(log.read_text(errors="replace")[-3000:]) from None
    return proc
