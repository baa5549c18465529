"""Deleting a rider's personal data on request or when they withdraw consent (PIPL Arts. 15, 47), in one
transaction: either all of it is done or nothing is.

Deleted: the link to their chat (the person row keeps only an anonymous id), their phone, their grid-member
registration, union applications not approved, course places (a seat they held goes to the first waiting),
follows, report photos, hand-over excerpts and staff replies, questions they asked, messages received from and
queued for them, and the conversation memory (the tracker store drops this turn too; see
nuanxin.messaging.tracker_store).
Kept, without the person: a report's text (masked) and place, as an anonymous public-interest record; the points
ledger's amounts; consents' dates as evidence of what was agreed, with the withdrawal recorded beside them; an
approved union membership, which stays with the union. A second request finds no one and changes nothing; the
same chat afterwards is a new person.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from nuanxin import db, masking, people
from nuanxin.console import audit
from nuanxin.handoff.tickets import TicketStatus
from nuanxin.messaging import photos
from nuanxin.messaging.contract import chat_of
from nuanxin.models import (Consent, ConversationEvent, Enrollment, GridMember, HandoffMessage, HandoffTicket,
                            InboundMessage, OutboxMessage, Person, Redemption, Report, ReportFollower,
                            UnansweredQuestion, UnionApplication, utcnow)
from nuanxin.points.ledger import balance
from nuanxin.training.enrollment import LIVE, release_places

ERASED_CHANNEL = "erased"
ERASED_EXCERPT = "（已应本人要求删除）"
WITHDRAWN = "withdrawn"  # the consent row that records the withdrawal (purpose and notice version)


@dataclass(frozen=True)
class Plan:
    """What a deletion would do, for the explanation before the rider confirms."""

    anything: bool
    reports: int  # kept anonymously
    approved_union: bool  # kept with the union
    points: int  # the balance that will be given up
    live_places: int  # course places given up


@dataclass(frozen=True)
class Erased:
    anything: bool
    reports_kept: int = 0
    places_released: int = 0
    applications_deleted: int = 0
    approved_union_kept: bool = False


def plan(channel: str, sender_id: str) -> Plan:
    with db.session_scope() as session:
        person = people.find(session, channel, sender_id)
        if person is None:
            return Plan(False, 0, False, 0, 0)
        return Plan(True, _count(session, Report, Report.person_id == person.id),
                    _count(session, UnionApplication, UnionApplication.person_id == person.id,
                           UnionApplication.status == "approved") > 0,
                    balance(session, person.id),
                    _count(session, Enrollment, Enrollment.person_id == person.id, Enrollment.status.in_(LIVE)))


def _count(session: Session, model: type, *where: Any) -> int:
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _unlink_photos(session: Session, person_id: int) -> list[Path]:
    """Report photos of this person's reports that no other report uses; the files go after the commit."""
    paths = []
    for report in session.execute(select(Report).where(Report.person_id == person_id,
                                                       Report.photo_path.is_not(None))).scalars().all():
        if not _count(session, Report, Report.photo_path == report.photo_path, Report.person_id != person_id):
            paths.append(photos.directory() / Path(report.photo_path).name)
        report.photo_path = None
    return paths


def _names(session: Session, person: Person) -> set[str]:
    """Every name the rider gave us (forms, profile)."""
    found = {person.display_name} if person.display_name else set()
    for model in (GridMember, UnionApplication, Enrollment):
        found |= set(session.execute(select(model.name).where(model.person_id == person.id)).scalars())
    return {name for name in found if name}


def _anonymous(text: str, names: set[str]) -> str:
    text = masking.mask(text)
    for name in names:
        text = text.replace(name, masking.mask_name(name))
    return text


def erase(channel: str, sender_id: str, actor: str = "rider") -> Erased:
    """`actor`: the rider themself, or the member of staff who did it for them (audited either way, by the
    anonymous id only). Two requests at once: the second waits for the person's row, then finds no one."""
    files: list[Path] = []
    with db.session_scope() as session:
        person = session.execute(select(Person).where(Person.channel == channel, Person.external_id == sender_id)
                                 .with_for_update()).scalar_one_or_none()
        if person is None:
            return Erased(False)
        pid, chat = person.id, chat_of(channel, sender_id)
        names = _names(session, person)
        released = release_places(session, pid)
        db.bulk(session, delete(Enrollment).where(Enrollment.person_id == pid))
        db.bulk(session, delete(GridMember).where(GridMember.person_id == pid))
        approved = _count(session, UnionApplication, UnionApplication.person_id == pid,
                          UnionApplication.status == "approved") > 0
        dropped = db.bulk(session, delete(UnionApplication).where(UnionApplication.person_id == pid,
                                                                 UnionApplication.status != "approved")).rowcount
        db.bulk(session, delete(ReportFollower).where(ReportFollower.person_id == pid))
        files = _unlink_photos(session, pid)
        reports = session.execute(select(Report).where(Report.person_id == pid)).scalars().all()
        for report in reports:  # phone and ID numbers, and the names the rider gave us, out of the public record
            report.text = _anonymous(report.text, names)
            report.location_text = report.location_text and _anonymous(report.location_text, names)
        for redemption in session.execute(select(Redemption).where(Redemption.person_id == pid)).scalars():
            redemption.request_key = f"{ERASED_CHANNEL}-{redemption.id}"  # the key was derived from the chat id
        tickets = select(HandoffTicket.id).where(HandoffTicket.person_id == pid)
        db.bulk(session, delete(HandoffMessage).where(HandoffMessage.ticket_id.in_(tickets)))
        db.bulk(session, update(HandoffTicket).where(HandoffTicket.person_id == pid).values(
            sender_id=f"{ERASED_CHANNEL}-{pid}", channel=ERASED_CHANNEL, excerpt=ERASED_EXCERPT,
            status=TicketStatus.CLOSED.value, closed_at=func.coalesce(HandoffTicket.closed_at, utcnow()),
            outcome=func.coalesce(HandoffTicket.outcome, ERASED_CHANNEL)))
        db.bulk(session, delete(UnansweredQuestion).where(UnansweredQuestion.channel == channel,
                                                         UnansweredQuestion.sender_id == sender_id))
        db.bulk(session, delete(InboundMessage).where(InboundMessage.channel == channel,
                                                     InboundMessage.sender_id == sender_id))
        db.bulk(session, delete(OutboxMessage).where(OutboxMessage.channel == channel,
                                                    OutboxMessage.recipient == chat))
        db.bulk(session, delete(ConversationEvent).where(ConversationEvent.sender_id == sender_id))
        session.add(Consent(person_id=pid, purpose=WITHDRAWN, granted=False, notice_version=WITHDRAWN))
        person.channel, person.external_id = ERASED_CHANNEL, f"{ERASED_CHANNEL}-{pid}"
        person.display_name = person.phone = None
        done = Erased(True, len(reports), released, dropped, approved)
        audit.record(session, actor, "erase_personal_data", f"person:{pid}", after=asdict(done))
    for path in files:
        path.unlink(missing_ok=True)
    return done
