"""`make eval` (`python -m evals.nlu_report MODEL`): measure the trained model on the held-out set and on real
off-topic queries."""
from __future__ import annotations

import asyncio
import sys
import time

from evals import nlu as ev


async def _main(model: str) -> None:
    agent, load_s = ev.load_agent(model)

    async def parse_all(texts: list[str]) -> list[ev.Parse]:
        return [ev.parse_from_result(await agent.parse_message(t)) for t in texts]

    held = ev.examples(ev.HELDOUT)
    started = time.perf_counter()
    held_parses = await parse_all([t for t, _ in held])
    parse_ms = (time.perf_counter() - started) * 1000 / len(held)
    by_text = dict(zip([t for t, _ in held], held_parses))
    report = ev.heldout_report(lambda text: by_text[text], held)
    oos = await parse_all(ev.oos_texts())

    print(f"model: {model}  (loaded in {load_s:.1f} s; mean parse {parse_ms:.1f} ms)")
    print(f"held-out: n={report.n}  accuracy={report.accuracy:.3f}  macro-F1={report.macro_f1:.3f}")
    print("most confused (gold -> predicted):")
    for (gold, pred), count in report.confusions:
        print(f"  {gold:>18} -> {pred:<18} {count}")
    print(f"off-topic false acceptance (SMP2017 develop, n={len(oos)}): {ev.false_acceptance(oos):.3f}")
    print("threshold sweep: t  in-scope-acc  false-acceptance")
    for t, acc, fa in ev.threshold_sweep(list(zip(held_parses, [g for _, g in held])), oos,
                                         [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]):
        print(f"  {t:.2f}  {acc:.3f}  {fa:.3f}")
    if "-v" in sys.argv:
        for text, gold, pred in report.errors:
            print(f"  ERR {gold} -> {pred}: {text}")


if __name__ == "__main__":
    asyncio.run(_main(next(a for a in sys.argv[1:] if not a.startswith("-"))))
