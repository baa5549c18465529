"""`python -m terminal [--rasa-url URL]`: chat with the assistant in this terminal (what `make run` opens)."""
from __future__ import annotations

import argparse
import os

from terminal.chat import run


def main() -> None:
    parser = argparse.ArgumentParser(description="暖新助手 terminal chat")
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for Rasa to load its model")
    args = parser.parse_args()
    raise SystemExit(run(args.rasa_url, args.wait))


if __name__ == "__main__":
    main()
