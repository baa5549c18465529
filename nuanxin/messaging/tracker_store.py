"""Rasa's conversation memory on the project's database (DATABASE_URL): SQLite by default, PostgreSQL in
production, the same setting every other part uses. endpoints.yml names this class as Rasa's tracker store.

Rasa's SQLTrackerStore does the work; this only points it at our database, whose `events` table migration 0006
creates (nuanxin.models.messaging.ConversationEvent), so a restart of Rasa or of the action server in the middle
of a form resumes it at the same question.
"""
from __future__ import annotations

from typing import Any, Iterator

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from nuanxin import masking, settings

DROPPED_METADATA = ("photo_gps",)  # a photo's own position: offered once, never kept


class DatabaseTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("host", None)  # the URL is the project's, never a second copy in endpoints.yml
        super().__init__(domain=domain, host=settings.database_url(), event_broker=event_broker, **kwargs)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """What is stored is scrubbed: phone and ID numbers in the riders' own words are masked, a photo's GPS
        position dropped, and an ID number never lands in a slot's history (the form keeps only its sealed form).
        The turn being handled still sees the message as sent; only the memory is scrubbed."""
        for event in super()._additional_events(session, tracker):
            yield scrubbed(event)


def scrubbed(event: Event) -> Event:
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
