"""Talking to Rasa through the door for our own front ends (nuanxin.messaging.channels.FrontEndInput): the shared
secret proves this is the bot, so Rasa files the message under the channel the bot names."""
from __future__ import annotations

from typing import Any

import httpx

from nuanxin import settings


class RasaUnavailable(Exception):
    """Rasa (or its action server) did not answer: the message must be kept and retried."""


class RasaClient:
    def __init__(self, base_url: str, channel: str, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout,
            headers={"Authorization": f"Bearer {settings.shared_secret('frontend')}"})
        self._channel = channel

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/frontend/webhook",
                json={"sender": sender, "message": text, "channel": self._channel, "metadata": metadata})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailable(f"unexpected reply {replies!r}")
        return replies

    async def close(self) -> None:
        await self._client.aclose()
