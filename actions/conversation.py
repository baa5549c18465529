"""Reading what an adapter needs out of a Rasa tracker."""
from __future__ import annotations

from rasa_sdk import Tracker

from nuanxin.handoff.tickets import Turn


def channel(tracker: Tracker) -> str:
    """The front end the person uses, as the door they came in by established it (nuanxin.messaging.channels):
    never what a message's metadata claims."""
    return tracker.get_latest_input_channel() or "rest"


def turns(tracker: Tracker) -> list[Turn]:
    """User and bot messages in order, as the handoff excerpt wants them."""
    found = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            found.append(Turn(speaker=event["event"], text=event["text"]))
    return found


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's entity `name` as text (button payloads carry numbers and ids as entities)."""
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)
