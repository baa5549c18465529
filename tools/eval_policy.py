"""`make eval`, policy part: retrieval top-1/top-3 and unanswerable handling on the test questions
(tests/data/policy_questions.yml; the tuning questions are printed too, for comparison), and how the NLU routes
real labour-law questions (../shared/holdout/labour_legal_qa, evaluation only)."""
from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

from nuanxin import evaluation as ev
from nuanxin import policy_eval
from nuanxin.policy_search import MIN_CONFIDENCE, PolicyIndex, units_from_files

LABOUR_FILES = ["lawbench_consultation_labour.jsonl", "lawbench_topic_labour_questions.jsonl",
                "lawyer_llama_labour_questions.jsonl"]


async def routing(model: str) -> tuple[int, Counter]:
    agent, _ = ev.load_agent(model)
    counts: Counter = Counter()
    for name in LABOUR_FILES:
        for line in (ev.HOLDOUT_DIR / "labour_legal_qa" / name).read_text(encoding="utf-8").splitlines():
            result = await agent.parse_message(json.loads(line)["question"])
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
