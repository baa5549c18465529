"""Policy retrieval evaluation shared by `make eval` and the quality test."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from nuanxin import settings
from nuanxin.policy_search import PolicyIndex

QUESTIONS = settings.ROOT / "tests" / "data" / "policy_questions.yml"


@dataclass
class PolicyReport:
    answerable: int
    top1: float
    top3: float
    unanswerable: int
    unanswerable_handled: float
    misses: list[tuple[str, str, str]]
    confident_on_unanswerable: list[tuple[str, str, float]]


def evaluate(index: PolicyIndex) -> PolicyReport:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    top1 = top3 = 0
    misses = []
    for item in data["answerable"]:
        best, others = index.answer(item["q"])
        ranked = [h.unit.id for h in ([best] if best else []) + others]
        top1 += bool(best) and best.unit.id == item["unit"]
        top3 += bool(best) and item["unit"] in ranked[:3]
        if not (best and best.unit.id == item["unit"]):
            misses.append((item["q"], item["unit"], best.unit.id if best else "(no confident answer)"))
    confident = []
    for question in data["unanswerable"]:
        best, _ = index.answer(question)
        if best:
            confident.append((question, best.unit.id, best.confidence))
    n, m = len(data["answerable"]), len(data["unanswerable"])
    return PolicyReport(n, top1 / n, top3 / n, m, 1 - len(confident) / m, misses, confident)
