"""Talking to Rasa's REST channel, the same endpoint every front end uses."""
from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa (or its action server) did not answer: the message must be kept and retried."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailable(f"unexpected reply {replies!r}")
        return replies

    async def close(self) -> None:
        await self._client.aclose()
