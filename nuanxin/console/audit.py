"""Who changed what, when, and what it was before and after: written in the same transaction as the change."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from nuanxin.models import AuditEntry


def record(session: Session, actor: str, action: str, target: str, before: Any = None, after: Any = None) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target,
                           before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
                           after=None if after is None else json.dumps(after, ensure_ascii=False, default=str)))
