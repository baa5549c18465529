"""Mainland resident ID numbers (GB 11643-1999): the check digit and the birth date are verified, the number is
kept only as a salted hash (to recognise a second application) and a masked form (to show)."""
from __future__ import annotations

import hashlib
import os
import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise(text: str) -> str | None:
    """The 18-character number when valid (full-width digits and a lower-case x accepted), else None."""
    value = re.sub(r"\s", "", text.translate(str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX"))).upper()
    if not PATTERN.match(value):
        return None
    if CHECK[sum(int(d) * w for d, w in zip(value[:17], WEIGHTS)) % 11] != value[17]:
        return None
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return value if date(1900, 1, 1) <= born <= date.today() else None


def masked(value: str) -> str:
    return value[:3] + "*" * 11 + value[-4:]


def fingerprint(value: str) -> str:
    """Salted so that the stored hash is no lookup table of ID numbers (NUANXIN_ID_SALT in production)."""
    salt = os.environ.get("NUANXIN_ID_SALT", "nuanxin-development-salt")
    return hashlib.sha256(f"{salt}:{value}".encode()).hexdigest()


def seal(value: str) -> str:
    """What a form keeps of a checked number until submission: its hash and masked form, never the number."""
    return f"{fingerprint(value)}|{masked(value)}"


def checked_and_sealed(text: str) -> str | None:
    """A typed number, checked, in the only form a conversation keeps (a kept token stays as it is)."""
    if "|" in text:
        return text if unseal(text) else None
    number = normalise(text) or normalise(re.sub(r"[^0-9Xx０-９Ｘｘ]", "", text))  # "身份证号3201…"
    return seal(number) if number else None


def unseal(token: str) -> tuple[str, str] | None:
    """(hash, masked) from `seal`, or from a plain number when it checks."""
    if "|" in token:
        digest, shown = token.split("|", 1)
        return (digest, shown) if len(digest) == 64 else None
    number = normalise(token)
    return (fingerprint(number), masked(number)) if number else None
