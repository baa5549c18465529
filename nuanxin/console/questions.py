"""Unanswered questions for reviewers: the open ones grouped by their (masked) words, most asked first, with the
closest unit and its confidence; a reviewer's verdict "unit X answers this", or a new unit drafted for it, closes
every copy of the question and goes into the YAML exported for the next review of knowledge/policies/ (the files
stay the reviewed source)."""
from __future__ import annotations

from dataclasses import dataclass

import yaml
from sqlalchemy import func, select, update

from nuanxin import db
from nuanxin.console import audit
from nuanxin.models import PolicyDraft, UnansweredQuestion, utcnow
from nuanxin.policy import search


@dataclass(frozen=True)
class Asked:
    question: str  # masked
    times: int
    closest_unit: str | None
    closest_title: str | None
    confidence: float | None


def most_asked(limit: int = 100) -> list[Asked]:
    titles = {u.id: u.title for u in search.shared_index().units}
    with db.session_scope() as session:
        rows = session.execute(
            select(UnansweredQuestion.question, func.count(), func.max(UnansweredQuestion.best_unit_id),
                   func.max(UnansweredQuestion.best_confidence))
            .where(UnansweredQuestion.status == "open")
            .group_by(UnansweredQuestion.question)
            .order_by(func.count().desc(), UnansweredQuestion.question)
            .limit(limit)).all()
    return [Asked(q, n, unit, titles.get(unit or ""), conf) for q, n, unit, conf in rows]


class UnknownUnit(ValueError):
    pass


def resolve(question: str, unit_id: str, actor: str) -> int:
    """Every open copy of `question` answered by `unit_id`; how many were closed."""
    if unit_id not in search.shared_index().by_id:
        raise UnknownUnit(unit_id)
    with db.session_scope() as session:
        closed = session.execute(
            update(UnansweredQuestion)
            .where(UnansweredQuestion.question == question, UnansweredQuestion.status == "open")
            .values(status="resolved", resolved_unit_id=unit_id, resolved_by=actor, resolved_at=utcnow())
        ).rowcount
        audit.record(session, actor, "resolve_question", f"question:{question[:100]}",
                     before={"status": "open", "copies": closed}, after={"status": "resolved", "unit": unit_id})
        return closed


def draft(question: str, title: str, answer: str, actor: str) -> int:
    """A new unit drafted for every open copy of `question`; how many were closed."""
    with db.session_scope() as session:
        row = PolicyDraft(title=title, answer=answer, drafted_by=actor)
        session.add(row)
        session.flush()
        closed = session.execute(
            update(UnansweredQuestion)
            .where(UnansweredQuestion.question == question, UnansweredQuestion.status == "open")
            .values(status="drafted", draft_id=row.id, resolved_by=actor, resolved_at=utcnow())
        ).rowcount
        audit.record(session, actor, "draft_unit", f"question:{question[:100]}",
                     before={"status": "open", "copies": closed}, after={"draft": row.id, "title": title})
        return closed


def export_yaml() -> str:
    """The reviewers' verdicts as new ways of asking, by unit, for knowledge/policies/ review."""
    with db.session_scope() as session:
        rows = session.execute(
            select(UnansweredQuestion.resolved_unit_id, UnansweredQuestion.question)
            .where(UnansweredQuestion.status == "resolved")
            .distinct().order_by(UnansweredQuestion.resolved_unit_id, UnansweredQuestion.question)).all()
        drafted = session.execute(
            select(PolicyDraft, UnansweredQuestion.question)
            .join(UnansweredQuestion, UnansweredQuestion.draft_id == PolicyDraft.id)
            .distinct().order_by(PolicyDraft.id, UnansweredQuestion.question)).all()
        new_units: dict[int, dict] = {}
        for unit, question in drafted:
            new_units.setdefault(unit.id, {"title": unit.title, "answer": unit.answer, "drafted_by": unit.drafted_by,
                                           "questions": []})["questions"].append(question)
    by_unit: dict[str, list[str]] = {}
    for unit_id, question in rows:
        by_unit.setdefault(unit_id, []).append(question)
    return yaml.safe_dump({"add_questions": [{"id": unit, "questions": qs} for unit, qs in by_unit.items()],
                           "new_units": list(new_units.values())}, allow_unicode=True, sort_keys=False)
