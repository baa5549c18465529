"""Reading what an adapter needs out of a Rasa tracker."""
from __future__ import annotations

from rasa_sdk import Tracker

from nuanxin.handoff.tickets import Turn


def channel(tracker: Tracker) -> str:
    """The front end the person uses: front ends relaying through the REST channel name themselves in metadata."""
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata.get("channel") or tracker.get_latest_input_channel() or "rest"


def turns(tracker: Tracker) -> list[Turn]:
    """User and bot messages in order, as the handoff excerpt wants them."""
    found = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            found.append(Turn(speaker=event["event"], text=event["text"]))
    return found
