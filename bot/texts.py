"""Replies the bot sends by itself (Rasa busy, unsupported media...), read from domain.yml like every other
response, so all user-facing Chinese stays in one reviewed place."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from nuanxin import settings


@lru_cache(maxsize=1)
def _responses() -> dict[str, Any]:
    domain = yaml.safe_load((settings.ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]


def text(name: str, **values: Any) -> str:
    return _responses()[name][0]["text"].format(**values)
