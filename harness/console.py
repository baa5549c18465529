"""The console process itself (`python -m console`, waitress) on a free port, over a given database."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from harness.assistant import ROOT, free_port, stop, wait_for


@contextmanager
def running_console(database_url: str, **env: str) -> Iterator[str]:
    """Yields the console's base URL; RASA_URL / RASA_API_TOKEN and the like go in `env`."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="console-")) / "console.log"
    proc = subprocess.Popen([sys.executable, "-m", "console"], cwd=ROOT, stdout=log.open("w"),
                            stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
                                 "NUANXIN_CONSOLE_PORT": str(port), **env})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/login", proc, 60, log)
        yield base
    finally:
        stop(proc)
