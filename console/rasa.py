"""How the assistant's NLU reads a question (intent and confidence), from Rasa's HTTP API (`/model/parse`, which
touches no conversation). RASA_URL and RASA_API_TOKEN as for the bot; None when Rasa does not answer."""
from __future__ import annotations

import os
from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float


def parse(text: str) -> Reading | None:
    try:
        response = requests.post(f"{os.environ.get('RASA_URL', 'http://127.0.0.1:5005').rstrip('/')}/model/parse",
                                 params={"token": os.environ.get("RASA_API_TOKEN", "")}, json={"text": text},
                                 timeout=5)
        response.raise_for_status()
        intent = response.json().get("intent") or {}
        return Reading(intent.get("name") or "", float(intent.get("confidence") or 0.0))
    except (requests.RequestException, ValueError):
        return None
