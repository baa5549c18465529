"""Staff taking over a conversation from the assistant: the queue of riders waiting for a person, taking one
(Rasa's conversation is paused, so the assistant stops answering), replying through the outbox, and handing it
back (resumed) or closing it. The rider is told when a person joins and when the assistant is back.

Exactly once: a reply carries the nonce of the form it was typed in; the nonce is unique in `handoff_messages`
and names the outbox row, so a form sent twice is one message. Two members of staff taking the same ticket: the
change from `open` is conditional, only one applies.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db, responses
from nuanxin.console import audit
from nuanxin.console.accounts import Role, Staff
from nuanxin.handoff.tickets import TicketStatus, ticket_number
from nuanxin.masking import mask
from nuanxin.messaging import outbox, rasa_api
from nuanxin.messaging.contract import chat_of
from nuanxin.models import ConversationEvent, HandoffMessage, HandoffTicket, Person, StaffAccount, utcnow

log = logging.getLogger(__name__)
REPLY_CHARS = 2000
REACHABLE = ("telegram",)  # channels whose front end delivers the outbox: replies can reach the rider there
SHOWN_LINES = 60


class NotAvailable(Exception):
    """The ticket is not in a state for this (taken by someone else, closed meanwhile, unknown)."""


class Outcome:
    RETURNED = "returned"  # handed back to the assistant
    CLOSED = "closed"  # the matter is dealt with


@dataclass(frozen=True)
class Waiting:
    id: int
    ticket_no: str
    reason: str  # ask_human | complaint | safety_<kind>
    excerpt: str  # masked when stored
    since: datetime
    status: str
    assigned_to: str | None
    channel: str

    @property
    def waited_minutes(self) -> int:
        return max(0, int((utcnow() - db.aware(self.since)).total_seconds() // 60))

    @property
    def urgent(self) -> bool:
        return self.reason.startswith("safety")

    @property
    def reachable(self) -> bool:
        """Replies reach the rider only where a front end delivers the outbox (Telegram)."""
        return self.channel in REACHABLE


@dataclass(frozen=True)
class Line:
    at: datetime
    speaker: str  # user | bot | staff
    text: str  # masked
    author: str = ""


@dataclass(frozen=True)
class Conversation:
    ticket: Waiting
    lines: list[Line]
    phone_masked: str


def _waiting(ticket: HandoffTicket) -> Waiting:
    return Waiting(ticket.id, ticket_number(ticket), ticket.reason, ticket.excerpt, ticket.created_at,
                   ticket.status, ticket.assigned_to, ticket.channel)


def queue() -> list[Waiting]:
    """Open tickets: emergencies first, then the longest waiting; those staff have taken after them."""
    with db.session_scope() as session:
        tickets = session.execute(select(HandoffTicket).where(HandoffTicket.status.in_(TicketStatus.open_values()))
                                  .order_by(HandoffTicket.id)).scalars().all()
        waiting = [_waiting(t) for t in tickets]
    return sorted(waiting, key=lambda w: (w.status != TicketStatus.OPEN.value, not w.urgent, w.since))


def _ticket(session: Session, ticket_id: int) -> HandoffTicket:
    ticket = session.execute(select(HandoffTicket).where(HandoffTicket.id == ticket_id)).scalar_one_or_none()
    if ticket is None:
        raise NotAvailable(f"unknown ticket {ticket_id}")
    return ticket


def conversation(ticket_id: int) -> Conversation:
    """The rider's recent conversation with the assistant and with staff, masked, oldest first."""
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        events = session.execute(
            select(ConversationEvent.timestamp, ConversationEvent.type_name, ConversationEvent.data)
            .where(ConversationEvent.sender_id == ticket.sender_id, ConversationEvent.type_name.in_(("user", "bot")))
            .order_by(ConversationEvent.id.desc()).limit(SHOWN_LINES)).all()
        lines = []
        for timestamp, kind, data in events:
            text = (json.loads(data or "{}").get("text") or "").strip()
            if text:
                lines.append(Line(datetime.fromtimestamp(timestamp or 0, timezone.utc), kind, mask(text)))
        names = dict(session.execute(select(StaffAccount.username, StaffAccount.display_name)).all())
        for message in session.execute(select(HandoffMessage).where(HandoffMessage.ticket_id == ticket.id)).scalars():
            lines.append(Line(db.aware(message.created_at), "staff", mask(message.text),
                              names.get(message.author, message.author)))
        phone = session.get(Person, ticket.person_id).phone
        return Conversation(_waiting(ticket), sorted(lines, key=lambda line: line.at)[-SHOWN_LINES:],
                            mask(phone) if phone else "")


def callback_phone(ticket_id: int, staff: Staff) -> str:
    """The full call-back number, for the member of staff who rings the rider back; every such view is audited."""
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        phone = session.get(Person, ticket.person_id).phone or ""
        audit.record(session, staff.username, "unmask_phone", f"handoff:{ticket_number(ticket)}")
        return phone


def _tell(session: Session, ticket: HandoffTicket, text: str, key: str) -> None:
    person = session.get(Person, ticket.person_id)
    outbox.enqueue(session, person.channel, chat_of(person.channel, person.external_id), {"text": text},
                   dedupe_key=f"handoff:{ticket.id}:{key}")


def take(ticket_id: int, staff: Staff) -> None:
    """Give the ticket to `staff`, pause the assistant for this rider, tell the rider a person has joined.

    The ticket is claimed first, in a transaction of its own (a conditional change: of two members of staff, one
    gets it), and Rasa is called with no row locked — Rasa may be waiting for this rider's message to finish,
    whose action may be updating this very ticket. When Rasa cannot be reached the claim is undone and a resume
    is sent after the pause (in case the pause was only slow), so the assistant is never left silent."""
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        if ticket.status == TicketStatus.ASSIGNED.value and ticket.assigned_to == staff.username:
            return  # taken already by this person (a second click)
        if ticket.status != TicketStatus.OPEN.value or ticket.channel not in REACHABLE:
            raise NotAvailable(f"{ticket_number(ticket)} is {ticket.status} on {ticket.channel}")
        claimed = session.execute(update(HandoffTicket).where(HandoffTicket.id == ticket.id,
                                                              HandoffTicket.status == TicketStatus.OPEN.value)
                                  .values(status=TicketStatus.ASSIGNED.value, assigned_to=staff.username,
                                          taken_at=utcnow(), updated_at=utcnow()))
        if claimed.rowcount != 1:
            raise NotAvailable(f"{ticket_number(ticket)} was taken meanwhile")
        sender = ticket.sender_id
    try:
        rasa_api.pause(sender)
    except rasa_api.RasaUnavailable:
        with db.session_scope() as session:
            session.execute(update(HandoffTicket).where(HandoffTicket.id == ticket_id,
                                                        HandoffTicket.assigned_to == staff.username,
                                                        HandoffTicket.status == TicketStatus.ASSIGNED.value)
                            .values(status=TicketStatus.OPEN.value, assigned_to=None, taken_at=None))
        _resume_quietly(sender)
        raise
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        _tell(session, ticket, responses.text("utter_handoff_staff_joined", staff=staff.display_name), "joined")
        audit.record(session, staff.username, "take_conversation", f"handoff:{ticket_number(ticket)}",
                     {"status": TicketStatus.OPEN.value}, {"status": TicketStatus.ASSIGNED.value})


def _resume_quietly(sender_id: str) -> None:
    try:
        rasa_api.resume(sender_id)
    except rasa_api.RasaUnavailable:
        log.warning("a conversation could not be resumed after a failed take; it is resumed when the ticket ends")


def reply(ticket_id: int, staff: Staff, text: str, nonce: str) -> bool:
    """Send `text` to the rider; False when this form's reply was sent already (nothing is sent twice)."""
    text = text.strip()[:REPLY_CHARS]
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        if ticket.status != TicketStatus.ASSIGNED.value or ticket.assigned_to != staff.username:
            raise NotAvailable(f"{ticket_number(ticket)} is not {staff.username}'s")
        try:
            with session.begin_nested():
                session.add(HandoffMessage(ticket_id=ticket.id, author=staff.username, text=text, nonce=nonce[:64]))
        except IntegrityError:
            return False
        _tell(session, ticket, responses.text("utter_handoff_staff_says", staff=staff.display_name, text=text),
              f"reply:{nonce[:64]}")
        audit.record(session, staff.username, "reply", f"handoff:{ticket_number(ticket)}",
                     after={"characters": len(text)})  # the words stay with the ticket (erased with it), not here
        return True


def finish(ticket_id: int, staff: Staff, outcome: str) -> None:
    """Hand the conversation back to the assistant (RETURNED) or close the matter (CLOSED). The conversation is
    resumed either way — a closed ticket must not leave the rider facing a silent assistant. The close itself is
    conditional on the state read, so a concurrent change makes this one fail instead of both applying."""
    with db.session_scope() as session:
        ticket = _ticket(session, ticket_id)
        if ticket.status not in TicketStatus.open_values():
            raise NotAvailable(f"{ticket_number(ticket)} is closed")
        if ticket.status == TicketStatus.ASSIGNED.value and ticket.assigned_to != staff.username \
                and staff.role is not Role.ADMIN:
            raise NotAvailable(f"{ticket_number(ticket)} is {ticket.assigned_to}'s")
        before = {"status": ticket.status, "assigned_to": ticket.assigned_to}
        if ticket.taken_at is not None:
            rasa_api.resume(ticket.sender_id)  # cannot be reached: nothing changes, staff try again
        else:
            _resume_quietly(ticket.sender_id)  # a take that failed half-way may have left a pause behind
        closed = session.execute(update(HandoffTicket).where(
            HandoffTicket.id == ticket.id, HandoffTicket.status == ticket.status,
            HandoffTicket.assigned_to.is_(None) if ticket.assigned_to is None
            else HandoffTicket.assigned_to == ticket.assigned_to)
            .values(status=TicketStatus.CLOSED.value, outcome=outcome, closed_at=utcnow(), updated_at=utcnow()))
        if closed.rowcount != 1:
            raise NotAvailable(f"{ticket_number(ticket)} changed meanwhile")
        if outcome == Outcome.RETURNED and ticket.taken_at is not None:
            text = responses.text("utter_handoff_bot_back", staff=staff.display_name)
        else:
            text = responses.text("utter_handoff_closed", ticket_no=ticket_number(ticket))
        _tell(session, ticket, text, "finished")
        audit.record(session, staff.username, f"conversation_{outcome}", f"handoff:{ticket_number(ticket)}", before,
                     {"status": TicketStatus.CLOSED.value, "outcome": outcome})
