"""Compare NLU pipeline candidates on this machine: training time, model load time, parse latency, held-out
accuracy / macro-F1 and off-topic false acceptance. `make bench` (or `python bench/nlu_pipelines.py NAME...`).

Each candidate is config.yml with the intent classifier (and optionally the char n-gram featurizer) swapped.
"""
from __future__ import annotations

import asyncio
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from evals import nlu as ev
from nuanxin import settings

ROOT = settings.ROOT
CLASSIFIER = "nuanxin.nlu.components.text_classifier.SafeLogisticRegressionClassifier"


def _swap(pipeline: list[dict], name: str, replacement: list[dict]) -> list[dict]:
    out = []
    for step in pipeline:
        out += replacement if step["name"] == name else [step]
    return out


def candidates() -> dict[str, dict]:
    base = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    words_only = copy.deepcopy(base)
    words_only["pipeline"] = [s for s in base["pipeline"] if s.get("analyzer") != "char_wb"]
    diet = copy.deepcopy(base)
    diet["pipeline"] = _swap(base["pipeline"], CLASSIFIER,
                             [{"name": "DIETClassifier", "epochs": 100, "entity_recognition": False,
                               "constrain_similarities": True, "random_seed": 1}])
    return {"lr_words_chars": base, "lr_words_only": words_only, "diet_100": diet}


def train(name: str, config: dict, out: Path, extra_data: tuple[Path, ...] = ()) -> float:
    cfg = out / f"{name}.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nuanxin.nlu.cli", "train", "--data", "nlu_data", "var/nlu", *map(str, extra_data),
         "--domain",
         "domain", "--config", str(cfg), "--out", str(out), "--fixed-model-name", name],
        cwd=ROOT, check=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_MAX_CACHE_SIZE": "0"},
    )
    return time.perf_counter() - started


async def measure(model: Path) -> dict[str, float]:
    agent, load_s = ev.load_agent(str(model))
    await agent.parse_message("你好")  # first parse warms caches; not part of the latency figures
    held = ev.examples(ev.HELDOUT)
    latencies, parses = [], {}
    for text, _ in held:
        t0 = time.perf_counter()
        parses[text] = ev.parse_from_result(await agent.parse_message(text))
        latencies.append((time.perf_counter() - t0) * 1000)
    report = ev.heldout_report(lambda t: parses[t], held)
    oos = [ev.parse_from_result(await agent.parse_message(t)) for t in ev.oos_texts()]
    latencies.sort()
    return {"load_s": load_s, "parse_ms_median": statistics.median(latencies),
            "parse_ms_p95": latencies[int(0.95 * (len(latencies) - 1))], "accuracy": report.accuracy,
            "macro_f1": report.macro_f1, "false_acceptance": ev.false_acceptance(oos)}


def main() -> None:
    chosen = sys.argv[1:] or list(candidates())
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name in chosen:
            config = candidates()[name]
            train_s = train(name, config, Path(tmp))
            figures = asyncio.run(measure(Path(tmp) / f"{name}.tar.gz"))
            rows.append((name, train_s, figures))
            print(f"{name}: trained in {train_s:.1f} s; " + ", ".join(f"{k}={v:.3f}" for k, v in figures.items()),
                  flush=True)
    print("\n| candidate | train s | load s | parse ms (median / p95) | accuracy | macro-F1 | off-topic FA |")
    print("|---|---|---|---|---|---|---|")
    for name, train_s, f in rows:
        print(f"| {name} | {train_s:.1f} | {f['load_s']:.2f} | {f['parse_ms_median']:.1f} / {f['parse_ms_p95']:.1f}"
              f" | {f['accuracy']:.3f} | {f['macro_f1']:.3f} | {f['false_acceptance']:.3f} |")


if __name__ == "__main__":
    main()
