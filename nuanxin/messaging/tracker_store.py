"""Rasa's conversation memory on the project's database (DATABASE_URL): SQLite by default, PostgreSQL in
production, the same setting every other part uses. endpoints.yml names this class as Rasa's tracker store.

Rasa's SQLTrackerStore keeps the events in our database, whose `events` table migration 0006 creates
(nuanxin.models.messaging.ConversationEvent), so a restart of Rasa or of the action server in the middle of a form
resumes it at the same question. Three things the profile found are done differently (issue 13):

- Rasa reloaded and replayed every event of the session on every message, and counted them again to save: a
  rider's 900th turn cost 30 times the first. A tracker saved by this process is kept in memory and used again
  when the database's mark for that rider (highest event id and timestamp) has not moved; any other writer —
  another replica, a staff tool rewriting events — moves the mark and the tracker is read afresh.
- Reading and writing ran on Rasa's event loop, so one rider's long load stalled every other rider; they run in
  a worker thread.
- A session longer than MAX_EVENTS is handed to Rasa condensed: its start, the current value of every slot and the
  active form, then the last KEEP_EVENTS events from a turn boundary. Policies and actions see what they need (rules
  and forms look a few turns back); the database keeps every event, and only events after the condensed part are
  ever written.

When a rider's data is deleted (nuanxin.privacy.erasure, slot `data_erased`) the turn that did it is not written:
every event of that rider goes, and their next message starts a new conversation. The copy of their data sent to
them as a document is never kept in the memory.
"""
from __future__ import annotations

import asyncio
import itertools
import json
from collections import OrderedDict
from typing import Any, Iterable, Iterator, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, ConversationPaused, Event, SlotSet,
                                      UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from nuanxin import db, masking, settings

ERASED_SLOT = "data_erased"  # domain/privacy.yml: set by the deletion of the rider's data
DROPPED_METADATA = ("photo_gps",)  # a photo's own position: offered once, never kept
MAX_EVENTS, KEEP_EVENTS = 100, 50  # about 20 and 10 turns
CACHED_TRACKERS = 2000
_SAVED = "_nuanxin_saved"  # on a tracker: how many of its events are in the database (or stand for events there)


class Mark(NamedTuple):
    last_id: int | None
    last_timestamp: float | None


class Cached(NamedTuple):
    tracker: DialogueStateTracker
    mark: Mark


class DatabaseTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("host", None)  # the URL is the project's, never a second copy in endpoints.yml
        super().__init__(domain=domain, host=settings.database_url(), event_broker=event_broker, **kwargs)
        self.engine.dispose()  # ours instead: one pool per process, errors without the rows' contents
        self.engine = db.engine()
        self.sessionmaker = sessionmaker(bind=self.engine)
        self._cache: OrderedDict[str, Cached] = OrderedDict()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the latest session. Taken out of the cache, so a message that fails before it is saved
        leaves nothing half-updated behind: the next one reads the database."""
        cached = self._cache.pop(sender_id, None)
        mark = await asyncio.to_thread(self._mark, sender_id)
        if cached is not None and cached.mark == mark:
            return condensed(cached.tracker, self.domain) if len(cached.tracker.events) > MAX_EVENTS \
                else cached.tracker
        return await asyncio.to_thread(self._load, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        saved = getattr(tracker, _SAVED, None)
        if erased(itertools.islice(tracker.events, saved or 0, None)):
            # The rider's data was deleted in this turn (nuanxin.privacy.erasure): this turn is not kept either,
            # and the next message starts a new conversation.
            self._cache.pop(tracker.sender_id, None)
            await asyncio.to_thread(self._forget, tracker.sender_id)
            return
        if saved is None:  # a tracker Rasa's HTTP API built: its new events are counted as Rasa does
            mark = await asyncio.to_thread(self._write_counted, tracker)
        else:
            new = [scrubbed(event) for event in itertools.islice(tracker.events, saved, None)]
            for offset, event in enumerate(new):  # memory holds what the database holds
                tracker.events[saved + offset] = event
            mark = await asyncio.to_thread(self._write, tracker.sender_id, new)
        setattr(tracker, _SAVED, len(tracker.events))
        self._cache[tracker.sender_id] = Cached(tracker, mark)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > CACHED_TRACKERS:
            self._cache.popitem(last=False)

    def _mark(self, sender_id: str, connection: sa.engine.Connection | None = None) -> Mark:
        """One indexed query on a plain connection (no ORM session: this runs for every message)."""
        if connection is None:
            with self.engine.connect() as connection:
                return self._mark(sender_id, connection)
        table = self.SQLEvent.__table__
        row = connection.execute(sa.select(sa.func.max(table.c.id), sa.func.max(table.c.timestamp))
                                 .where(table.c.sender_id == sender_id)).one()
        return Mark(*row)

    def _load(self, sender_id: str) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            events = [json.loads(row.data) for row in rows]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _SAVED, len(tracker.events))
        return condensed(tracker, self.domain) if len(tracker.events) > MAX_EVENTS else tracker

    def _write(self, sender_id: str, events: list[Event]) -> Mark:
        """The new events in one INSERT, and the mark they leave, in one transaction."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                         "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                         "action_name": data.get("name"), "data": json.dumps(data)})
        with self.engine.begin() as connection:
            if rows:
                connection.execute(sa.insert(self.SQLEvent.__table__), rows)
            return self._mark(sender_id, connection)

    def _forget(self, sender_id: str) -> None:
        with self.engine.begin() as connection:
            table = self.SQLEvent.__table__
            connection.execute(sa.delete(table).where(table.c.sender_id == sender_id))

    def _write_counted(self, tracker: DialogueStateTracker) -> Mark:
        with self.session_scope() as session:
            new = list(self._additional_events(session, tracker))
        return self._write(tracker.sender_id, new)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:  # type: ignore
        """What is stored is scrubbed: phone and ID numbers in the riders' own words are masked, a photo's GPS
        position dropped, and an ID number never lands in a slot's history (the form keeps only its sealed form).
        The turn being handled still sees the message as sent; only the memory is scrubbed."""
        for event in super()._additional_events(session, tracker):
            yield scrubbed(event)


def erased(events: Iterable[Event]) -> bool:
    return any(isinstance(e, SlotSet) and e.key == ERASED_SLOT and e.value is True for e in events)


def scrubbed(event: Event) -> Event:
    if isinstance(event, BotUttered) and (event.data.get("custom") or {}).get("document"):
        # the rider's full copy of their data went to them; the memory keeps that it was sent, not the copy
        custom = {**event.data["custom"], "document": {k: v for k, v in event.data["custom"]["document"].items()
                                                       if k != "content"}}
        return BotUttered(event.text, {**event.data, "custom": custom}, event.metadata, event.timestamp)
    if isinstance(event, UserUttered):
        text = masking.mask(event.text) if event.text else event.text
        metadata = {k: v for k, v in (event.metadata or {}).items() if k not in DROPPED_METADATA}
        entities = [{**e, "value": masking.mask(str(e["value"]))} if isinstance(e.get("value"), str) else e
                    for e in event.entities]
        parse_data = {**event.parse_data, "text": text, "entities": entities}
        return UserUttered(text, event.intent, entities, parse_data, event.timestamp, event.input_channel,
                           event.message_id, metadata)
    if isinstance(event, SlotSet) and isinstance(event.value, str) and masking.ID_CARD.search(event.value):
        return SlotSet(event.key, masking.mask(event.value), event.timestamp, event.metadata)
    return event


def condensed(tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
    """The session's start, its state now (slots, active form, paused), and its last KEEP_EVENTS events from the first
    action_listen among them. Everything in it already stands for stored events: nothing of it is written again."""
    events = list(tracker.events)
    start = list(itertools.takewhile(lambda e: not isinstance(e, UserUttered), events[:4]))
    cut = len(events) - KEEP_EVENTS
    while cut < len(events) and not (isinstance(events[cut], ActionExecuted)
                                     and events[cut].action_name == ACTION_LISTEN_NAME):
        cut += 1
    at = events[cut].timestamp if cut < len(events) else None
    state: list[Event] = [SlotSet(slot.name, slot.value, timestamp=at) for slot in tracker.slots.values()
                          if slot.value != slot.initial_value]
    if tracker.active_loop_name:
        state.append(ActiveLoop(tracker.active_loop_name, timestamp=at))
    if tracker.is_paused():  # staff have the conversation: it stays paused
        state.append(ConversationPaused(timestamp=at))
    short = DialogueStateTracker.from_events(tracker.sender_id, [*start, *state, *events[cut:]], domain.slots,
                                             domain=domain)
    setattr(short, _SAVED, len(short.events))
    return short
