"""Nothing kept longer than needed: what a scheduler runs (`make purge`, `python -m nuanxin.privacy purge`).

After `messages` days: conversation memory (whole conversations idle that long; in a longer one, what came before
the current session), received and sent messages, staff replies, hand-over excerpts of closed tickets.
After `photos` days: report photos (the files, and the reports' pointers to them) and photos never used in a report.
After `locations` days: positions shared with the assistant are cut out of the conversation memory.
After `unanswered` days: who asked an unanswered question (the masked question stays for review until resolved;
resolved ones go).

Every step is a set-based statement or a conditional rewrite, so running it twice, or twice at the same moment,
removes nothing more and fails on nothing: the second run finds nothing left to do.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import aliased

from nuanxin import db
from nuanxin.handoff.tickets import TicketStatus
from nuanxin.messaging import photos
from nuanxin.models import (ConversationEvent, HandoffMessage, HandoffTicket, InboundMessage, OutboxMessage, Report,
                            UnansweredQuestion)
from nuanxin.privacy.erasure import ERASED_EXCERPT
from nuanxin.privacy.inventory import settings

LOCATION_INTENT = "share_location"
LOCATION_SLOTS = ("last_location", "report_location")  # JSON [lat, lon(, name)] (domain/station.yml, report.yml)
PURGED_SENDER = "purged"
PURGED_EXCERPT = "（超过保存期限，已删除）"


def days(name: str) -> int:
    """NUANXIN_RETAIN_<NAME>_DAYS, else knowledge/privacy.yml."""
    return int(os.environ.get(f"NUANXIN_RETAIN_{name.upper()}_DAYS", settings()["retention_days"][name]))


@dataclass
class Purged:
    events: int = 0
    inbound: int = 0
    outbox: int = 0
    staff_replies: int = 0
    excerpts: int = 0
    photos: int = 0
    locations: int = 0
    unanswered: int = 0


def _idle_conversations(cutoff: float) -> int:
    """Whole conversations whose last event is older than the cutoff."""
    idle = select(ConversationEvent.sender_id).group_by(ConversationEvent.sender_id).having(
        func.max(ConversationEvent.timestamp) < cutoff)
    with db.session_scope() as session:
        return db.bulk(session, delete(ConversationEvent).where(ConversationEvent.sender_id.in_(idle))).rowcount


def _before_current_session(cutoff: float) -> int:
    """In conversations still going on: events older than the cutoff that came before the current session."""
    starts = aliased(ConversationEvent)
    current = select(func.max(starts.timestamp)).where(starts.sender_id == ConversationEvent.sender_id,
                                                       starts.type_name == "session_started").scalar_subquery()
    with db.session_scope() as session:
        return db.bulk(session, delete(ConversationEvent).where(ConversationEvent.timestamp < cutoff,
                                                               ConversationEvent.timestamp < current)).rowcount


def _without_location(data: str) -> str | None:
    """The event with the position taken out; None when it holds none."""
    event = json.loads(data)
    if event.get("event") == "slot" and event.get("name") in LOCATION_SLOTS and event.get("value") is not None:
        return json.dumps({**event, "value": None})
    intent = (event.get("parse_data") or {}).get("intent") or {}
    if event.get("event") == "user" and intent.get("name") == LOCATION_INTENT:
        parse = {**event["parse_data"], "entities": [], "text": f"/{LOCATION_INTENT}"}
        return json.dumps({**event, "text": f"/{LOCATION_INTENT}", "parse_data": parse})
    return None


def _locations(cutoff: float) -> int:
    """Positions in the memory, rewritten only where the row is still what was read (a concurrent run's rewrite
    or a deletion wins)."""
    changed = 0
    with db.session_scope() as session:
        rows = session.execute(select(ConversationEvent.id, ConversationEvent.data).where(
            ConversationEvent.timestamp < cutoff,
            ((ConversationEvent.type_name == "user") & (ConversationEvent.intent_name == LOCATION_INTENT))
            | ((ConversationEvent.type_name == "slot")
               & or_(*(ConversationEvent.data.contains(f'"{slot}"') for slot in LOCATION_SLOTS))))).all()
    for event_id, data in rows:
        cleaned = _without_location(data)
        if cleaned is None:
            continue
        with db.session_scope() as session:
            changed += db.bulk(session, update(ConversationEvent).where(
                ConversationEvent.id == event_id, ConversationEvent.data == data).values(data=cleaned)).rowcount
    return changed


def _photos(cutoff: datetime) -> int:
    """Report photos older than the cutoff, and files in the photo folder no report points to."""
    removed = 0
    folder = photos.directory()
    with db.session_scope() as session:
        old = set(session.execute(select(Report.photo_path).where(Report.photo_path.is_not(None),
                                                                  Report.created_at < cutoff)).scalars())
        db.bulk(session, update(Report).where(Report.photo_path.is_not(None), Report.created_at < cutoff)
                        .values(photo_path=None))
        still_used = set(session.execute(select(Report.photo_path).where(Report.photo_path.is_not(None))).scalars())
    names = {Path(p).name for p in old} - {Path(p).name for p in still_used}
    if folder.is_dir():
        oldest = cutoff.timestamp()
        names |= {f.name for f in folder.iterdir() if f.is_file() and f.stat().st_mtime < oldest
                  and f.name not in {Path(p).name for p in still_used}}
    for name in names:
        path = folder / name
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def purge(now: datetime | None = None) -> Purged:
    now = now or datetime.now(timezone.utc)
    done = Purged()
    messages = now - timedelta(days=days("messages"))
    done.events = _idle_conversations(messages.timestamp()) + _before_current_session(messages.timestamp())
    done.locations = _locations((now - timedelta(days=days("locations"))).timestamp())
    with db.session_scope() as session:
        done.inbound = db.bulk(session, delete(InboundMessage).where(InboundMessage.created_at < messages)).rowcount
        # sent, failed, or still pending after all this time (a channel whose front end never delivers them)
        done.outbox = db.bulk(session, delete(OutboxMessage).where(OutboxMessage.created_at < messages)).rowcount
        closed = select(HandoffTicket.id).where(HandoffTicket.status == TicketStatus.CLOSED.value)
        done.staff_replies = db.bulk(session, delete(HandoffMessage).where(
            HandoffMessage.created_at < messages, HandoffMessage.ticket_id.in_(closed))).rowcount
        done.excerpts = db.bulk(session, update(HandoffTicket).where(
            HandoffTicket.status == TicketStatus.CLOSED.value, HandoffTicket.updated_at < messages,
            HandoffTicket.excerpt.not_in((ERASED_EXCERPT, PURGED_EXCERPT))).values(excerpt=PURGED_EXCERPT)).rowcount
        unanswered = now - timedelta(days=days("unanswered"))
        done.unanswered = db.bulk(session, delete(UnansweredQuestion).where(
            UnansweredQuestion.created_at < unanswered, UnansweredQuestion.status != "open")).rowcount
        done.unanswered += db.bulk(session, update(UnansweredQuestion).where(
            UnansweredQuestion.created_at < unanswered, UnansweredQuestion.sender_id != PURGED_SENDER)
            .values(sender_id=PURGED_SENDER)).rowcount
    done.photos = _photos(now - timedelta(days=days("photos")))
    return done

