"""Rasa's HTTP API as the console uses it: how the NLU reads a question (`/model/parse`, which touches no
conversation) and events appended to a rider's conversation (pause while staff have it, resume when they hand it
back). RASA_URL and RASA_API_TOKEN as for the bot."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from nuanxin import settings

TIMEOUT_S = 5
EVENTS_TIMEOUT_S = 15  # appending waits for the rider's message being handled (Rasa's lock for the conversation)


class RasaUnavailable(Exception):
    """Rasa did not take the call; nothing was changed in the conversation."""


@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float


def _url(path: str) -> str:
    return f"{os.environ.get('RASA_URL', 'http://127.0.0.1:5005').rstrip('/')}{path}"


def _token() -> dict[str, str]:
    """RASA_API_TOKEN, else the token `make serve` made for this machine (var/rasa_api_token)."""
    token = os.environ.get("RASA_API_TOKEN")
    if token is None:
        kept = settings.VAR_DIR / "rasa_api_token"
        token = kept.read_text().strip() if kept.is_file() else ""
    return {"token": token}


def parse(text: str) -> Reading | None:
    """None when Rasa does not answer (the console then shows the answer without Rasa's reading)."""
    try:
        response = requests.post(_url("/model/parse"), params=_token(), json={"text": text}, timeout=TIMEOUT_S)
        response.raise_for_status()
        intent = response.json().get("intent") or {}
        return Reading(intent.get("name") or "", float(intent.get("confidence") or 0.0))
    except (requests.RequestException, ValueError):
        return None


def append(sender_id: str, events: list[dict[str, Any]]) -> None:
    """Append events to the rider's conversation under Rasa's lock for it (so they fall between two messages)."""
    try:
        response = requests.post(_url(f"/conversations/{quote(sender_id, safe='')}/tracker/events"),
                                 params={**_token(), "include_events": "NONE"}, json=events,
                                 timeout=EVENTS_TIMEOUT_S)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise RasaUnavailable(str(exc)) from None


def pause(sender_id: str) -> None:
    """The assistant stops answering this rider (Rasa's `pause` event) until `resume`."""
    append(sender_id, [{"event": "pause"}])


def resume(sender_id: str) -> None:
    append(sender_id, [{"event": "resume"}])
