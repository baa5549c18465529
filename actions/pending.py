"""Capabilities whose issue has not landed yet answer honestly with the hotline, never with a made-up answer."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from nuanxin.handoff import hotline


class ActionCapabilityPending(Action):
    def name(self) -> str:
        return "action_capability_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        response = f"utter_pending_{intent}"
        if response not in domain.get("responses", {}):
            response = "utter_default"
        dispatcher.utter_message(response=response, **await asyncio.to_thread(hotline.current))
        return []
