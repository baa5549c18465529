"""Report categories and the suggestion the rider confirms or changes (knowledge/reports.yml).

The suggestion is a reviewed cue list rather than a trained model: staff can read and correct why a text got its
category, and a wrong suggestion costs one button tap.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nuanxin import knowledge

OTHER = "OTHER"


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
    """The category whose cues the text matches most (then the longest matched cue); 其他 when none."""
    best, best_key = by_id(OTHER), (0, 0)
    for category in all_categories():
        hits = [cue for cue in category.cues if cue in text]
        key = (len(hits), max(map(len, hits), default=0))
        if key > best_key:
            best, best_key = category, key
    assert best is not None
    return best


def state_name(state: str) -> str:
    return _data()["states"][state]


def setting(name: str) -> Any:
    return _data()[name]
