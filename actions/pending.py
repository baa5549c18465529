"""Capabilities whose issue has not landed yet answer honestly with the hotline, never with a made-up answer."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from nuanxin import db, hotline

log = logging.getLogger(__name__)


def _contact() -> dict[str, str]:
    try:
        with db.session_scope() as session:
            return hotline.contact(session)
    except SQLAlchemyError:
        log.exception("hotline read from the database failed; using knowledge/")
        return hotline.contact_from_files()


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
        dispatcher.utter_message(response=response, **await asyncio.to_thread(_contact))
        return []
