"""What happens to a report after filing: staff change its state with a note (verify, merge into an original,
resolve), points are granted on verification, the reporter and every follower hear of each change exactly once
(the outbox's dedupe key is the history line and the person), and after 已办结 each is asked once whether it is
really fixed; "没修好" reopens it.

The staff console and `python -m nuanxin.report` call these functions; every staff change is in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db, people, responses
from nuanxin.console import audit
from nuanxin.messaging import outbox
from nuanxin.messaging.contract import chat_of, fixed_payload
from nuanxin.models import Person, Report, ReportFollower, ReportStatus, utcnow
from nuanxin.points import ledger
from nuanxin.report import categories
from nuanxin.report.states import ALLOWED, OPEN, ReportState


class NotAllowed(Exception):
    """The change does not follow the workflow (a closed report, an unknown ticket, a report merged into itself)."""


@dataclass(frozen=True)
class Changed:
    ticket: str
    status: str
    notified: int  # messages queued for the reporter and followers
    points_granted: int


def report_of(session: Session, ticket: str) -> Report:
    """The report a ticket names (as typed: spaces and case forgiven); NotAllowed when there is none."""
    report = session.execute(select(Report).where(Report.ticket == ticket.strip().upper())).scalar_one_or_none()
    if report is None:
        raise NotAllowed(f"unknown ticket {ticket}")
    return report


def _audience(session: Session, report: Report) -> list[Person]:
    followers = select(ReportFollower.person_id).where(ReportFollower.report_id == report.id)
    return list(session.execute(select(Person).where((Person.id == report.person_id) | Person.id.in_(followers))
                                .order_by(Person.id)).scalars())


def _notify(session: Session, report: Report, history: ReportStatus, text: str,
            extra: dict | None = None, reporter_only: str = "") -> int:
    """One message per person for this history line; `reporter_only` is added for the reporter (their points)."""
    queued = 0
    for person in _audience(session, report):
        own = reporter_only if person.id == report.person_id else ""
        payload = {"text": text + own, **(extra or {})}
        queued += outbox.enqueue(session, person.channel, chat_of(person.channel, person.external_id), payload,
                                 dedupe_key=f"report:{history.id}:{person.id}")
    return queued


def _move(session: Session, report: Report, new: ReportState, note: str | None, actor: str) -> ReportStatus:
    """The state change itself, guarded so that two staff changing the same report cannot both apply."""
    old = ReportState(report.status)
    if new not in ALLOWED[old]:
        raise NotAllowed(f"{report.ticket}: {old.value} -> {new.value}")
    moved = session.execute(update(Report).where(Report.id == report.id, Report.status == old.value)
                            .values(status=new.value, updated_at=utcnow()))
    if moved.rowcount != 1:
        raise NotAllowed(f"{report.ticket} changed meanwhile")
    session.refresh(report)
    history = ReportStatus(report_id=report.id, status=new.value, note=(note or None) and note.strip()[:500],
                           actor=actor[:64])
    session.add(history)
    session.flush()
    return history


def _update_text(report: Report, note: str | None) -> str:
    return responses.text("utter_report_update", ticket=report.ticket, status=categories.state_name(report.status),
                          note=note or "无")


def change_status(ticket: str, new: ReportState, note: str | None, actor: str) -> Changed:
    """Any allowed change with its note; 已受理 grants the report's points to a grid member who filed it."""
    with db.session_scope() as session:
        report = report_of(session, ticket)
        before = report.status
        history = _move(session, report, new, note, actor)
        granted = 0
        if new is ReportState.ACCEPTED and report.by_grid_member:
            points = categories.by_id(report.category_id).points
            if ledger.append(session, report.person_id, points, "report_verified", report.ticket) is not None:
                granted = points
        extra = None
        if new is ReportState.RESOLVED:
            extra = {"buttons": fixed_payload(report.ticket)}
            report.fix_asked_at = utcnow()
        text = _update_text(report, note)
        if new is ReportState.RESOLVED:
            text += responses.text("utter_report_fixed_question")
        points_text = responses.text("utter_report_points_granted", points=granted) if granted else ""
        queued = _notify(session, report, history, text, extra, reporter_only=points_text)
        audit.record(session, actor, f"report_{new.value}", f"report:{report.ticket}", {"status": before},
                     {"status": new.value, "note": history.note, "points_granted": granted})
        return Changed(report.ticket, categories.state_name(report.status), queued, granted)


def verify(ticket: str, actor: str, note: str | None = None) -> Changed:
    return change_status(ticket, ReportState.ACCEPTED, note, actor)


def merge(ticket: str, original: str, actor: str, note: str | None = None) -> Changed:
    """重复: the report points to its original; its reporter follows the original from now on."""
    with db.session_scope() as session:
        report, target = report_of(session, ticket), report_of(session, original)
        if report.id == target.id or target.status not in OPEN:
            raise NotAllowed(f"{ticket} cannot be merged into {original}")
        before = report.status
        history = _move(session, report, ReportState.DUPLICATE, note, actor)
        report.duplicate_of_id = target.id
        audit.record(session, actor, "report_merged", f"report:{report.ticket}", {"status": before},
                     {"status": ReportState.DUPLICATE.value, "original": target.ticket, "note": history.note})
        for person in _audience(session, report):
            if person.id == target.person_id:
                continue
            try:  # a concurrent "是同一个" by the same person must not undo the merge
                with session.begin_nested():
                    session.add(ReportFollower(report_id=target.id, person_id=person.id))
            except IntegrityError:
                continue
            session.execute(update(Report).where(Report.id == target.id)
                            .values(confirmations=Report.confirmations + 1))
        text = responses.text("utter_report_merged", ticket=report.ticket, original=target.ticket,
                              status=categories.state_name(target.status))
        return Changed(report.ticket, categories.state_name(report.status),
                       _notify(session, report, history, text), 0)


@dataclass(frozen=True)
class FixAnswer:
    ticket: str
    reopened: bool
    points_granted: int
    still_open: bool = False  # "没修好" about a report staff have not resolved yet: nothing to reopen
    status: str = ""


def answer_fixed(channel: str, sender_id: str, ticket: str, fixed: bool) -> FixAnswer | None:
    """The answer to "修好了吗？" from the reporter or a follower. None when there is nothing to answer for."""
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        report = session.execute(select(Report).where(Report.ticket == ticket.strip().upper())).scalar_one_or_none()
        if report is None or report.person_id != person.id and session.execute(
                select(ReportFollower.id).where(ReportFollower.report_id == report.id,
                                                ReportFollower.person_id == person.id)).first() is None:
            return None
        if fixed:
            granted = 0
            points = ledger.earning_points()["fix_confirmed"]
            if report.status == ReportState.RESOLVED.value and report.person_id == person.id and report.by_grid_member \
                    and ledger.append(session, person.id, points, "fix_confirmed", report.ticket) is not None:
                granted = points
            return FixAnswer(report.ticket, False, granted)
        if report.status != ReportState.RESOLVED.value:
            return FixAnswer(report.ticket, False, 0, still_open=True, status=categories.state_name(report.status))
        history = _move(session, report, ReportState.IN_PROGRESS, responses.text("utter_report_reopened_note"),
                        "reporter")
        _notify(session, report, history, _update_text(report, history.note))
        return FixAnswer(report.ticket, True, 0)


def history(ticket: str) -> list[tuple[str, str | None, str]]:
    """(state, note, actor) in order: what staff and the reporter both see."""
    with db.session_scope() as session:
        report = report_of(session, ticket)
        rows = session.execute(select(ReportStatus).where(ReportStatus.report_id == report.id)
                               .order_by(ReportStatus.id)).scalars()
        return [(categories.state_name(r.status), r.note, r.actor) for r in rows]
