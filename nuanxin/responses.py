"""The assistant's words, read from domain/ like Rasa reads them, for replies a front end sends by itself (Rasa
busy, unsupported media, the terminal chat's help): all user-facing Chinese stays in one reviewed place."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from nuanxin import settings

DOMAIN_DIR = settings.ROOT / "domain"


@lru_cache(maxsize=1)
def _responses() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


def text(response: str, /, **values: Any) -> str:
    """The response's first text with its {variables} filled in (any name, `name` included, may be a variable)."""
    return _responses()[response][0]["text"].format(**values)
