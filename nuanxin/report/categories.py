"""Report categories and the suggestion the rider confirms or changes (knowledge/reports.yml).

A small character n-gram model (TF-IDF + logistic regression) trained on the reviewed example reports of
knowledge/report_examples.yml and the category cues of knowledge/reports.yml; it answers when it is at least
MODEL_THRESHOLD sure, else 其他. A wrong suggestion costs the rider one button tap. Cross-validated on the 320
examples the cues were not written from: cues alone 0.63, cues first then the model 0.83, the model alone 0.86
(README "City sentinels").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from nuanxin import knowledge

OTHER = "OTHER"
MODEL_C = 10.0
MODEL_THRESHOLD = 0.2


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    points: int
    description: str
    cues: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return knowledge.read_yaml("reports.yml")


@lru_cache(maxsize=1)
def all_categories() -> tuple[Category, ...]:
    return tuple(Category(c["id"], c["name"], int(c["points"]), c["description"], tuple(c.get("cues") or ()))
                 for c in _data()["categories"])


def by_id(category_id: str) -> Category | None:
    return next((c for c in all_categories() if c.id == category_id), None)


def by_name(text: str) -> Category | None:
    """A category named by the rider (a button's payload or typed: 消防, 消防安全)."""
    text = text.strip()
    return by_id(text) or next((c for c in all_categories() if text and (c.name == text or c.name.startswith(text))),
                               None)


def named_in(text: str) -> Category | None:
    """A category named inside a sentence: "改成交通安全", "应该算消防的"."""
    return next((c for c in all_categories() if c.id != OTHER and (c.name in text or c.name[:2] in text)), None)


def suggest(text: str) -> Category:
    probabilities = _model().predict_proba([text])[0]
    top = int(probabilities.argmax())
    best = by_id(_model().classes_[top] if probabilities[top] >= MODEL_THRESHOLD else OTHER)
    assert best is not None
    return best


@lru_cache(maxsize=1)
def _model() -> Pipeline:
    """Trained on first use (a few hundred short texts: milliseconds), from the reviewed files only."""
    examples = [(r["text"], r["category"]) for r in knowledge.read_yaml("report_examples.yml")["reports"]]
    examples += [(cue, c.id) for c in all_categories() for cue in c.cues]
    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
                          LogisticRegression(C=MODEL_C, max_iter=3000))
    model.fit([t for t, _ in examples], [c for _, c in examples])
    return model


def state_name(state: str) -> str:
    return _data()["states"][state]


def setting(name: str) -> Any:
    return _data()[name]
