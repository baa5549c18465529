"""Decide whether a message can be understood at all, before or after the classifier sees it.

Used by the NLU guard (which routes such messages to the fallback) and by the fallback action (which explains
to the user what went wrong), so both agree on what counts as bad input.
"""
from __future__ import annotations

import re
from enum import Enum

MAX_CHARS = 1500  # real citizen complaints run to several hundred characters; a paste beyond this is not one
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
DIGIT = re.compile(r"\d")


class Problem(str, Enum):
    EMPTY = "empty"
    SYMBOLS = "symbols"
    TOO_LONG = "too_long"
    NOT_CHINESE = "not_chinese"


def problem(text: str | None) -> Problem | None:
    """Why `text` cannot be classified, or None when the classifier should try.

    Short Latin text ("hi", "ok", "thx") is left to the classifier: riders type it. Longer text with no Chinese
    at all (a sentence in English, a pasted SQL statement) is not something our Chinese model can judge.
    """
    stripped = (text or "").strip()
    if not stripped:
        return Problem.EMPTY
    if len(stripped) > MAX_CHARS:
        return Problem.TOO_LONG
    if CJK.search(stripped):
        return None
    words = LATIN_WORD.findall(stripped)
    if not words and not DIGIT.search(stripped):
        return Problem.SYMBOLS
    if len(words) >= 3 or sum(map(len, words)) > 12:
        return Problem.NOT_CHINESE
    return None
