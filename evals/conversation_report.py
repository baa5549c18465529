"""`make eval`, conversations (`python -m evals.conversation_report [--dev] [-v]`): the held-out multi-turn
conversations (or, with --dev, the tuning ones the dialogue is developed against) through a freshly started
assistant (trained model, action server, a new SQLite database): turn accuracy, whole-conversation success, by
pattern and by expected label; `-v` lists the failed turns."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from evals import conversations as conv
from harness.assistant import fresh_database, running_assistant


def main() -> None:
    path, label = (conv.DEV, "tuning set") if "--dev" in sys.argv else (conv.HELDOUT, "held-out")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for url in fresh_database("sqlite", tmp):
            for assistant in running_assistant(url, tmp):
                report = conv.evaluate(assistant, conv.conversations(path))
    print(f"conversations ({label}, n={report.conversations}, {report.turns} turns): turn accuracy "
          f"{report.turn_accuracy:.3f}, whole conversations right {report.conversation_success:.3f}")
    print("  by pattern (conversations right / all):")
    for pattern, (right, total) in report.by_pattern.items():
        print(f"    {pattern:<22} {right:>3} / {total:<3}")
    print("  by expected label (turns right / all):")
    for expected, (right, total) in report.by_label.items():
        print(f"    {expected:<22} {right:>3} / {total:<3}")
    if "-v" in sys.argv:
        for cid, text, expected, problem in report.failures:
            print(f"  FAIL {cid}: {text!r} expected {expected}: {problem}")


if __name__ == "__main__":
    main()
