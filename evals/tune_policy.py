"""How the constants of nuanxin/policy/search.py and nuanxin/policy/scope.py were chosen: on the tuning questions
(tests/data/policy_dev.yml) only, never on the test questions that `make eval` reports.

1. Ranking: BM25 k1 / b and the share of the word index, by top-1 on the tuning questions (many settings tie;
   the module takes one from the middle of the best plateau, and the gate below is measured with it).
2. Answer gate: for each scope-model C and scope weight, the lowest threshold that refuses at least 90 % of the
   unanswerable tuning questions, and the share of answerable ones then answered confidently and correctly.
The constants are then set by hand from this table. Run: make tune (`python -m evals.tune_policy`)
"""
from __future__ import annotations

import itertools

from evals.policy import TUNING, questions
from nuanxin.policy import scope as policy_scope
from nuanxin.policy import search as policy_search
from nuanxin.policy.search import PolicyIndex, units_from_files

REFUSE = 0.90


def ranking_top1(index: PolicyIndex, answerable: list[dict]) -> float:
    return sum(bool(h) and h[0].unit.id == item["unit"] for item in answerable
               for h in [index.search(item["q"], limit=1)]) / len(answerable)


def gate(index: PolicyIndex, data: dict) -> tuple[float, float]:
    """The threshold that refuses >= REFUSE of the unanswerable questions, and the answered-correct share at it."""
    refused = sorted((h[0].confidence if h else 0.0 for q in data["unanswerable"] for h in [index.search(q, 1)]),
                     reverse=True)
    allowed = int(len(refused) * (1 - REFUSE))
    threshold = refused[allowed] + 1e-6
    answered = sum(bool(h) and h[0].unit.id == item["unit"] and h[0].confidence >= threshold
                   for item in data["answerable"] for h in [index.search(item["q"], 1)])
    return threshold, answered / len(data["answerable"])


def main() -> None:
    data = questions(TUNING)
    units = units_from_files()
    print(f"tuning questions: {len(data['answerable'])} answerable, {len(data['unanswerable'])} unanswerable")
    chosen = policy_search.K1, policy_search.B, policy_search.WORD_WEIGHT
    results = []
    grid = itertools.product((1.2, 1.5, 1.8, 2.1, 2.4, 3.0), (0.3, 0.4, 0.5, 0.6, 0.7, 0.8), (0.3, 0.4, 0.5, 0.6))
    for k1, b, share in grid:
        policy_search.K1, policy_search.B, policy_search.WORD_WEIGHT = k1, b, share
        results.append((ranking_top1(PolicyIndex(units), data["answerable"]), k1, b, share))
    results.sort(reverse=True)
    print("ranking top-1, best ten (k1, b, word share):")
    for top1, k1, b, share in results[:10]:
        print(f"  {top1:.3f}  k1={k1} b={b} word share={share}")
    policy_search.K1, policy_search.B, policy_search.WORD_WEIGHT = chosen  # the middle of the best plateau
    print(f"answer gate at k1={policy_search.K1} b={policy_search.B} word share={policy_search.WORD_WEIGHT} "
          f"(>= {REFUSE:.0%} of unanswerable refused):")
    for c, weight in itertools.product((1.0, 2.0, 4.0, 8.0), (0.0, 1.0, 1.5, 2.0)):
        policy_scope.C, policy_search.SCOPE_WEIGHT = c, weight
        threshold, answered = gate(PolicyIndex(units), data)
        print(f"  C={c} scope weight={weight}: threshold {threshold:.3f}, answered confidently and correctly "
              f"{answered:.3f}")


if __name__ == "__main__":
    main()
