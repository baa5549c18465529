"""`make eval`, policy part (`python -m evals.policy_report MODEL`): retrieval top-1/top-3 and unanswerable
handling on the test questions (tests/data/policy_questions.yml; the tuning questions are printed too, for
comparison), and how the NLU routes real labour-law questions (../shared/holdout/labour_legal_qa, evaluation
only)."""
from __future__ import annotations

import asyncio
import sys
from collections import Counter

from evals import nlu as ev
from evals import policy as policy_eval
from nuanxin.policy.search import MIN_CONFIDENCE, PolicyIndex, units_from_files


async def routing(model: str) -> tuple[int, Counter]:
    agent, _ = ev.load_agent(model)
    counts: Counter = Counter()
    for question in policy_eval.labour_questions():
        result = await agent.parse_message(question)
        counts[result["intent"]["name"]] += 1
    return sum(counts.values()), counts


def main(model: str) -> None:
    index = PolicyIndex(units_from_files())
    print(f"policy retrieval ({len(index.units)} units, confidence threshold {MIN_CONFIDENCE}):")
    for label, path in (("tuning questions (constants chosen here)", policy_eval.TUNING),
                        ("test questions", policy_eval.QUESTIONS)):
        report = policy_eval.evaluate(index, path)
        print(f"  {label}:")
        print(f"    answerable n={report.answerable}: top-1 {report.ranked_top1:.3f}  top-3 {report.ranked_top3:.3f};"
              f" answered confidently and correctly {report.answered_top1:.3f}")
        print(f"    unanswerable n={report.unanswerable}: no confident answer {report.unanswerable_handled:.3f}")
    if "-v" in sys.argv:
        for question, gold, got in report.misses:
            print(f"  MISS {gold} -> {got}: {question}")
        for question, unit, confidence in report.confident_on_unanswerable:
            print(f"  CONFIDENT ON UNANSWERABLE {unit} {confidence:.2f}: {question}")
    total, counts = asyncio.run(routing(model))
    routed = counts["ask_policy"] + counts["ask_human"]
    print(f"real labour-law questions (holdout, n={total}) routed to ask_policy/ask_human: {routed / total:.3f} "
          f"{dict(counts.most_common())}")


if __name__ == "__main__":
    main(next(a for a in sys.argv[1:] if not a.startswith("-")))
