"""Policy retrieval evaluation shared by `make eval` and the quality test.

Two views: the ranking (is the right unit first / in the first three?) and what a user gets (a confident answer
that is the right one). Unanswerable questions are handled when they get no confident answer.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from evals import sources
from nuanxin import settings
from nuanxin.policy.search import PolicyIndex

QUESTIONS = settings.ROOT / "tests" / "data" / "policy_questions.yml"  # the test set
TUNING = settings.ROOT / "tests" / "data" / "policy_dev.yml"  # constants are chosen on this one
# Real labour-law questions (../shared/holdout/labour_legal_qa): evaluation only.
LABOUR_FILES = ["lawbench_consultation_labour.jsonl", "lawbench_topic_labour_questions.jsonl",
                "lawyer_llama_labour_questions.jsonl"]


@dataclass
class PolicyReport:
    answerable: int
    ranked_top1: float
    ranked_top3: float
    answered_top1: float
    unanswerable: int
    unanswerable_handled: float
    misses: list[tuple[str, str, str]]
    confident_on_unanswerable: list[tuple[str, str, float]]


def questions(path: Path = QUESTIONS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def labour_questions() -> list[str]:
    return [json.loads(line)["question"] for name in LABOUR_FILES
            for line in sources.holdout("labour_legal_qa", name).read_text(encoding="utf-8").splitlines()]


def evaluate(index: PolicyIndex, path: Path = QUESTIONS) -> PolicyReport:
    data = questions(path)
    ranked1 = ranked3 = answered = 0
    misses = []
    for item in data["answerable"]:
        best, others = index.answer(item["q"])
        ranked = [h.unit.id for h in ([best] if best else []) + others]
        ranked1 += ranked[:1] == [item["unit"]]
        ranked3 += item["unit"] in ranked[:3]
        answered += bool(best) and best.unit.id == item["unit"]
        if not (best and best.unit.id == item["unit"]):
            misses.append((item["q"], item["unit"], best.unit.id if best else f"(not confident: {ranked[:1]})"))
    confident = []
    for question in data["unanswerable"]:
        best, _ = index.answer(question)
        if best:
            confident.append((question, best.unit.id, best.confidence))
    n, m = len(data["answerable"]), len(data["unanswerable"])
    return PolicyReport(n, ranked1 / n, ranked3 / n, answered / n, m, 1 - len(confident) / m, misses, confident)
