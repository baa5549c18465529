"""Safety first: is someone in danger right now? Read before any other routing, so an injured rider, a fire, a
crime or a fraud in progress gets the emergency number in the first line whatever else the message says.

Reviewed expressions (knowledge/safety.yml) next to the classifier's emergency intents (nlu_data/safety.yml): an
expression's decision can be read and explained and a missed phrasing is fixed by adding one; the classifier
reaches phrasings nobody listed, and the same expressions set aside its readings of talk about such things
(nuanxin.nlu.components.safety_guard). Measured on tests/data/safety_heldout.yml (`make eval`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nuanxin import knowledge

CATEGORIES = ("injury", "traffic", "fire", "crime", "fraud", "self_harm")
# Kinds that are also a neighbourhood problem: after the numbers, the rider can file the message as a report.
REPORTABLE = ("fire", "crime", "injury", "traffic")
MAX_CHARS = 2000  # an emergency is said at the start; a 100,000-character paste is not searched whole
PREFIX = "emergency_"  # the classifier's intents: emergency_<category>
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Rule:
    category: str
    now: re.Pattern
    not_now: re.Pattern | None  # sets aside what `now` finds (a category marked `always`: its own list only)
    veto: re.Pattern | None  # sets aside a classifier's reading of this category: the shared list and its own
    always: bool


@dataclass(frozen=True)
class Detector:
    rules: tuple[Rule, ...]
    still_now: re.Pattern
    cues: re.Pattern

    def has_cue(self, text: str | None) -> bool:
        """Whether the message has any word of danger at all: without one, a classifier's emergency is noise."""
        return bool(self.cues.search(_normalise(text)))

    def assess(self, text: str | None) -> str | None:
        """The category of a present emergency in `text`, or None."""
        message = _normalise(text)
        if not message:
            return None
        for rule in self.rules:
            if rule.now.search(message) and not self._set_aside(rule.not_now, message, rule.always):
                return rule.category
        return None

    def only_talk(self, category: str, text: str | None) -> bool:
        """True when `text` only talks about this kind of emergency (a question on the rules, a past event, a
        joke): the veto on a classifier that reads an emergency into it."""
        rule = next(r for r in self.rules if r.category == category)
        return self._set_aside(rule.veto, _normalise(text), always=False)

    def _set_aside(self, pattern: re.Pattern | None, message: str, always: bool) -> bool:
        if not (pattern and pattern.search(message)):
            return False
        return always or not self.still_now.search(message)  # `always`: only fiction and hyperbole, no override


def _normalise(text: str | None) -> str:
    """Full-width forms folded, spaces dropped (voice input and typing put them anywhere), length capped."""
    return SPACES.sub("", unicodedata.normalize("NFKC", (text or "")[:MAX_CHARS])).lower()


def _alternatives(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def build(directory: Path | None = None) -> Detector:
    data = knowledge.read_yaml("safety.yml", directory)
    shared = list(data["not_now"])
    rules = []
    for name in data["order"]:
        spec = data["categories"][name]
        always = bool(spec.get("always"))
        own = list(spec.get("not_now", []))
        rules.append(Rule(name, _alternatives(spec["now"]), _alternatives(own if always else shared + own),
                          _alternatives(shared + own), always))
    if {r.category for r in rules} != set(CATEGORIES):
        raise knowledge.KnowledgeError(f"safety.yml must order exactly the categories {CATEGORIES}")
    return Detector(tuple(rules), _alternatives(data["still_now"]), _alternatives(data["cues"]))


@lru_cache(maxsize=1)
def detector() -> Detector:
    return build()


def assess(text: str | None) -> str | None:
    return detector().assess(text)


def only_talk(category: str, text: str | None) -> bool:
    return detector().only_talk(category, text)


def has_cue(text: str | None) -> bool:
    return detector().has_cue(text)
