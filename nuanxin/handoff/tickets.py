"""Handing a conversation to hotline staff: a ticket with a masked excerpt, so nobody has to ask again."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from nuanxin import db, people
from nuanxin.handoff import hotline
from nuanxin.masking import mask
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
                           excerpt=excerpt(turns), status="open")
    session.add(ticket)
    session.flush()
    return ticket


def ticket_number(ticket: HandoffTicket) -> str:
    """What the caller reads out on the phone: short, with a prefix staff recognise."""
    return f"RG{ticket.id:06d}"


@dataclass(frozen=True)
class Handoff:
    """What the person is told: the ticket to quote (None when it could not be stored) and the line to ring."""

    ticket_no: str | None
    contact: dict[str, str]


def request(channel: str, sender_id: str, reason: str, turns: Iterable[Turn]) -> Handoff:
    """Open a ticket in a unit of work of its own. When the database fails the person still gets a number to ring
    (from the files); the failure is logged for us, not shown to them."""
    try:
        with db.session_scope() as session:
            ticket = open_ticket(session, channel, sender_id, reason, turns)
            return Handoff(ticket_number(ticket), hotline.contact(session))
    except SQLAlchemyError:
        log.exception("handoff ticket could not be stored")
        return Handoff(None, hotline.contact_from_files())
