"""Rasa's conversation memory on the project's database (DATABASE_URL): SQLite by default, PostgreSQL in
production, the same setting every other part uses. endpoints.yml names this class as Rasa's tracker store.

Rasa's SQLTrackerStore does the work; this only points it at our database, whose `events` table migration 0006
creates (nuanxin.models.messaging.ConversationEvent), so a restart of Rasa or of the action server in the middle
of a form resumes it at the same question.
"""
from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from nuanxin import settings


class DatabaseTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("host", None)  # the URL is the project's, never a second copy in endpoints.yml
        super().__init__(domain=domain, host=settings.database_url(), event_broker=event_broker, **kwargs)
