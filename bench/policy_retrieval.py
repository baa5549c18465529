"""Policy retrieval time at the real units (154) and at 5,000 (synthetic expansion), median and p95.

The synthetic units are the real ones with shuffled tags, renamed ids and a distinct token each, so the
vocabulary and the posting lists grow the way a larger knowledge base would.
"""
from __future__ import annotations

import random
import statistics
import time
from dataclasses import replace

from evals import policy as policy_eval
from nuanxin.policy.search import PolicyIndex, units_from_files


def expand(units: list, target: int) -> list:
    rng = random.Random(5)
    out = list(units)
    while len(out) < target:
        base = rng.choice(units)
        tags = list(base.tags)
        rng.shuffle(tags)
        out.append(replace(base, id=f"SYN-{len(out)}", title=f"{base.title} 第{len(out)}号", tags=tuple(tags),
                           answer=f"{base.answer} 编号{len(out)}"))
    return out


def measure(index: PolicyIndex, questions: list[str]) -> tuple[float, float]:
    for question in questions[:20]:
        index.answer(question)  # warm caches (jieba dictionary, vectorizer)
    times = []
    for question in questions:
        started = time.perf_counter()
        index.answer(question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    data = policy_eval.questions()
    questions = [item["q"] for item in data["answerable"]] + data["unanswerable"]
    units = units_from_files()
    for size in (len(units), 5000):
        started = time.perf_counter()
        index = PolicyIndex(expand(units, size))
        built = time.perf_counter() - started
        median, p95 = measure(index, questions * 2)
        print(f"{size:>5} units: index built in {built:.1f} s; retrieval median {median:.2f} ms, p95 {p95:.2f} ms "
              f"(n={len(questions) * 2})")


if __name__ == "__main__":
    main()
