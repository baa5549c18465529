"""NLU evaluation shared by `make eval`, `make check` and the quality test: held-out accuracy, macro-F1, confusions, and
how often real off-topic queries are wrongly accepted as one of our services."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from evals import sources
from nuanxin import settings
from nuanxin.nlu.examples import examples

# Intents that start a service flow; an off-topic query landing here is a false acceptance.
SERVICE_INTENTS = frozenset({
    "ask_human", "ask_policy", "find_station", "join_union", "enroll_training",
    "report_issue", "check_report", "check_points", "redeem_points", "ask_directions", "more_stations",
    "ask_station_detail", "ask_hotline", "ticket_status", "complain_bot", "emergency_injury", "emergency_traffic",
    "emergency_fire", "emergency_crime", "emergency_fraud", "emergency_self_harm",
})
FALLBACK = "nlu_fallback"
HELDOUT = settings.ROOT / "tests" / "data" / "nlu_heldout.yml"


@dataclass(frozen=True)
class Parse:
    """The final intent (after fallback) and the best real intent with its confidence, for threshold sweeps."""

    intent: str
    top_intent: str
    top_confidence: float


def load_agent(model: str) -> tuple[Any, float]:
    """A trained model ready to parse, with Rasa's logging kept to warnings (skops first: see nuanxin.nlu.cli), and the
    seconds the model itself took to load (imports not counted)."""
    import logging
    import time

    import skops.io  # noqa: F401
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    started = time.perf_counter()
    agent = Agent.load(model)
    return agent, time.perf_counter() - started




def macro_f1(gold: list[str], predicted: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


@dataclass
class Report:
    n: int
    accuracy: float
    macro_f1: float
    confusions: list[tuple[tuple[str, str], int]]
    errors: list[tuple[str, str, str]]


def heldout_report(parse: Callable[[str], Parse], data: Iterable[tuple[str, str]]) -> Report:
    pairs = list(data)
    predicted = [parse(text).intent for text, _ in pairs]
    gold = [intent for _, intent in pairs]
    confusions = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    return Report(
        n=len(pairs),
        accuracy=sum(g == p for g, p in zip(gold, predicted)) / len(pairs),
        macro_f1=macro_f1(gold, predicted),
        confusions=confusions.most_common(8),
        errors=[(t, g, p) for (t, g), p in zip(pairs, predicted) if g != p],
    )


def oos_texts() -> list[str]:
    """The real voice-assistant queries of SMP2017-ECDT *develop* (evaluation only)."""
    path = sources.holdout("smp2017_ecdt", "develop.jsonl")
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def false_acceptance(parses: list[Parse]) -> float:
    return sum(p.intent in SERVICE_INTENTS for p in parses) / len(parses)


def threshold_sweep(
    inscope: list[tuple[Parse, str]], oos: list[Parse], thresholds: Iterable[float]
) -> list[tuple[float, float, float]]:
    """(threshold, in-scope accuracy, off-topic false acceptance) had the fallback threshold been t."""
    rows = []
    for t in thresholds:
        acc = sum(p.top_intent == gold and p.top_confidence >= t for p, gold in inscope) / len(inscope)
        fa = sum(p.top_intent in SERVICE_INTENTS and p.top_confidence >= t for p in oos) / len(oos)
        rows.append((t, acc, fa))
    return rows


def parse_from_result(result: dict) -> Parse:
    """Turn Rasa's parse result into a Parse; FallbackClassifier puts nlu_fallback first in the ranking."""
    ranking = [r for r in result.get("intent_ranking", []) if r["name"] != FALLBACK]
    top = ranking[0] if ranking else {"name": FALLBACK, "confidence": 0.0}
    return Parse(intent=result["intent"]["name"], top_intent=top["name"], top_confidence=float(top["confidence"]))


def training_texts(data_dir: Path = settings.ROOT / "nlu_data") -> set[str]:
    texts: set[str] = set()
    for path in sorted(data_dir.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if any("intent" in block for block in doc.get("nlu", [])):
            texts |= {text for text, _ in examples(path)}
    return texts
