"""`make eval`, city sentinels (`python -m evals.report_report MODEL [-v]`): the category suggestion on the
held-out report texts, and where the trained model routes real citizen messages (civic_complaints_tipdm2020):
the neighbourhood categories should reach `report_issue`, labour and social security should not."""
from __future__ import annotations

import asyncio
import sys
from collections import Counter

from evals import nlu as ev
from evals import report as rep

REPORT_INTENT = "report_issue"


async def _main(model: str) -> None:
    for label, path in (("held-out", rep.HELDOUT), ("held-out, looked at while building", rep.HELDOUT_SEEN)):
        report = rep.category_report(path)
        print(f"category suggestion ({label}, n={report.n}): accuracy {report.accuracy:.3f}")
        print("  " + "  ".join(f"{k} {r}/{n}" for k, (r, n) in report.by_category.items()))
        if "-v" in sys.argv:
            for text, expected, suggested in report.misses:
                print(f"  MISS {expected} -> {suggested}: {text}")
    agent, _ = ev.load_agent(model)
    messages = rep.civic_messages()
    print(f"real citizen messages routed ({rep.CIVIC_DIR}, whole message text):")
    for category in sorted({m["category"] for m in messages}):
        rows = [m for m in messages if m["category"] == category]
        intents = Counter([ev.parse_from_result(await agent.parse_message(m["text"])).intent for m in rows])
        share = intents[REPORT_INTENT] / len(rows)
        mark = "  (should report)" if category in rep.REPORTABLE_CIVIC else ""
        print(f"  {category:<8} n={len(rows):<4} to report_issue {share:.3f}{mark}; "
              + ", ".join(f"{k} {v}" for k, v in intents.most_common(4)))


if __name__ == "__main__":
    asyncio.run(_main(next(a for a in sys.argv[1:] if not a.startswith("-"))))
