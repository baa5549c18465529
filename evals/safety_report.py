"""`make eval`, safety (`python -m evals.safety_report MODEL [-v]`): recall and false alarms of "safety first" on
the held-out set (tests/data/safety_heldout.yml) and on the tuning set (tests/data/safety_dev.yml), through the
trained model and its SafetyGuard; the reviewed expressions alone are printed for comparison."""
from __future__ import annotations

import asyncio
import sys

from evals import nlu as ev
from evals import safety as sf
from nuanxin import safety


def main(model: str) -> None:
    agent, _ = ev.load_agent(model)
    loop = asyncio.new_event_loop()

    def intent_of(text: str) -> str:
        return loop.run_until_complete(agent.parse_message(text))["intent"]["name"] or ""

    def expressions_only(text: str) -> str:
        category = safety.assess(text)
        return sf.PREFIX + category if category else "none"

    for label, path in (("tuning set", sf.DEV), ("held-out set", sf.HELDOUT)):
        if not path.exists():
            continue
        for how, decide in (("model + SafetyGuard", intent_of), ("reviewed expressions alone", expressions_only)):
            report = sf.evaluate(decide, path)
            print(f"safety, {label}, {how}: emergencies n={report.emergencies} recall {report.recall:.3f} "
                  f"(right kind {report.category_accuracy:.3f}); ordinary n={report.ordinary} false alarms "
                  f"{report.false_alarm_rate:.3f} ({len(report.false_alarms)})")
            if "-v" in sys.argv and path == sf.DEV and decide is intent_of:
                for text, kind, got in report.missed:
                    print(f"  MISSED {kind} -> {got}: {text}")
                for text, got in report.false_alarms:
                    print(f"  FALSE ALARM {got}: {text}")


if __name__ == "__main__":
    main(next(a for a in sys.argv[1:] if not a.startswith("-")))
