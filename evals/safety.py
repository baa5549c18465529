"""Safety first, measured on its held-out set (tests/data/safety_heldout.yml, written apart from the training data
and knowledge/safety.yml): recall on present emergencies (flagged at all: the rider gets emergency numbers; and with
the right kind: the right numbers first), and false alarms on ordinary messages. What decides is the trained
model's final intent, after the SafetyGuard."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from nuanxin import safety, settings

HELDOUT = settings.ROOT / "tests" / "data" / "safety_heldout.yml"
DEV = settings.ROOT / "tests" / "data" / "safety_dev.yml"  # expressions and constants are chosen on this one
PREFIX = safety.PREFIX


@dataclass
class SafetyReport:
    emergencies: int
    recall: float
    category_accuracy: float
    ordinary: int
    false_alarm_rate: float
    missed: list[tuple[str, str, str]]  # (text, expected kind, final intent)
    false_alarms: list[tuple[str, str]]


def evaluate(intent_of: Callable[[str], str], path: Path = HELDOUT) -> SafetyReport:
    """`intent_of` gives the final intent of a message (the model's parse)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = [(item["text"], item["category"], intent_of(item["text"])) for item in data["emergencies"]]
    alarms = [(text, got) for text in data["ordinary"] for got in [intent_of(text)] if got.startswith(PREFIX)]
    n, m = len(found), len(data["ordinary"])
    return SafetyReport(
        n, sum(got.startswith(PREFIX) for _, _, got in found) / n,
        sum(got == PREFIX + kind for _, kind, got in found) / n, m, len(alarms) / m,
        [f for f in found if f[2] != PREFIX + f[1]], alarms)
