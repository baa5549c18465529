"""Handing a conversation to hotline staff: a ticket with a masked excerpt, so nobody has to ask again."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from nuanxin import db, people
from nuanxin.handoff import hotline
from nuanxin.masking import PHONE, mask
from nuanxin.models import HandoffTicket

log = logging.getLogger(__name__)

EXCERPT_TURNS = 10
TURN_CHARS = 200


@dataclass(frozen=True)
class Turn:
    speaker: str  # "user" | "bot"
    text: str


def excerpt(turns: Iterable[Turn]) -> str:
    """The last turns, each masked and shortened: enough context for staff, no more personal data than needed."""
    lines = []
    for turn in list(turns)[-EXCERPT_TURNS:]:
        text = " ".join(mask(turn.text).split())
        if len(text) > TURN_CHARS:
            text = text[:TURN_CHARS] + "…"
        lines.append(f"{'用户' if turn.speaker == 'user' else '助手'}：{text}")
    return "\n".join(lines)


def open_ticket(session: Session, channel: str, sender_id: str, reason: str, turns: Iterable[Turn]) -> HandoffTicket:
    person = people.get_or_create(session, channel, sender_id)
    ticket = HandoffTicket(person_id=person.id, sender_id=sender_id, channel=channel, reason=reason,
                           excerpt=excerpt(turns), status=TicketStatus.OPEN.value)
    session.add(ticket)
    session.flush()
    return ticket


def ticket_number(ticket: HandoffTicket) -> str:
    """What the caller reads out on the phone: short, with a prefix staff recognise."""
    return f"RG{ticket.id:06d}"


class TicketStatus(str, Enum):
    OPEN = "open"  # waiting for a member of staff
    ASSIGNED = "assigned"  # a member of staff has it
    CLOSED = "closed"

    @classmethod
    def open_values(cls) -> tuple[str, ...]:
        """Still being handled: the person has a ticket (the database allows one such per person)."""
        return cls.OPEN.value, cls.ASSIGNED.value


@dataclass(frozen=True)
class Handoff:
    """What the person is told: the ticket to quote (None when it could not be stored) and the line to ring;
    `existing` when they already had an open ticket (no second one is opened), `callback_known` when staff have a
    number to call back."""

    ticket_no: str | None
    contact: dict[str, str]
    existing: bool = False
    callback_known: bool = True


@dataclass(frozen=True)
class Status:
    ticket_no: str
    status: str
    callback: str


def _open_ticket_of(session: Session, channel: str, sender_id: str) -> HandoffTicket | None:
    return session.execute(
        select(HandoffTicket)
        .where(HandoffTicket.channel == channel, HandoffTicket.sender_id == sender_id,
               HandoffTicket.status.in_(TicketStatus.open_values()))
        .order_by(HandoffTicket.id.desc())
    ).scalars().first()


def callback_number(turns: list[Turn]) -> str | None:
    """A mobile number in the message that asked for a person or answered our call-back question: given for the
    call-back, kept on the person's record for that purpose. Numbers from earlier turns (a customer's, a
    merchant's) are not the person's to give."""
    latest = next((turn for turn in reversed(turns) if turn.speaker == "user"), None)
    found = PHONE.search(latest.text) if latest else None
    return f"{found.group(1)}{found.group(0)[-8:-4]}{found.group(2)}" if found else None


def request(channel: str, sender_id: str, reason: str, turns: Iterable[Turn]) -> Handoff:
    """Hand the conversation over in a unit of work of its own: one open ticket per person (asking again brings
    the latest conversation to the same ticket; an emergency raises its reason). When the database fails the
    person still gets a number to ring (from the files); the failure is logged for us, not shown to them."""
    turns = list(turns)
    try:
        with db.session_scope() as session:
            person = people.get_or_create(session, channel, sender_id)
            ticket = _open_ticket_of(session, channel, sender_id)
            existing = ticket is not None
            if ticket is None:
                try:
                    with session.begin_nested():
                        ticket = open_ticket(session, channel, sender_id, reason, turns)
                except IntegrityError:  # opened by a request at the same moment: that one is ours too
                    ticket, existing = _open_ticket_of(session, channel, sender_id), True
            if existing:  # what staff read keeps the first request and gains what was said since
                kept = ticket.excerpt.split("\n")
                ticket.excerpt = "\n".join(kept + [line for line in excerpt(turns).split("\n") if line not in kept])
                if reason.startswith("safety"):
                    ticket.reason = reason
            person.phone = person.phone or callback_number(turns)
            return Handoff(ticket_number(ticket), hotline.contact(session), existing, bool(person.phone))
    except SQLAlchemyError:
        log.exception("handoff ticket could not be stored")
        return Handoff(None, hotline.contact_from_files())


def status(channel: str, sender_id: str) -> Status | None:
    """The person's open ticket, for 多久有人联系我 / 我的工单呢; None when they have none, status "unknown" when
    the database does not answer (they are then given the hotline)."""
    try:
        with db.session_scope() as session:
            ticket = _open_ticket_of(session, channel, sender_id)
            if ticket is None:
                return None
            return Status(ticket_number(ticket), ticket.status, hotline.callback())
    except SQLAlchemyError:
        log.exception("ticket status could not be read")
        return Status("", "unknown", hotline.callback())
