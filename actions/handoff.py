"""ask_human: open a ticket for hotline staff and give the caller the hotline."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import conversation
from nuanxin import db, handoff, hotline
from nuanxin.handoff import Turn

log = logging.getLogger(__name__)


def _open_ticket(channel: str, sender_id: str, turns: list[Turn]) -> dict[str, str]:
    with db.session_scope() as session:
        ticket = handoff.open_ticket(session, channel, sender_id, "ask_human", turns)
        return {"ticket_no": handoff.ticket_number(ticket), **hotline.contact(session)}


class ActionAskHuman(Action):
    def name(self) -> str:
        return "action_ask_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            filled = await asyncio.to_thread(
                _open_ticket, conversation.channel(tracker), tracker.sender_id, conversation.turns(tracker)
            )
        except SQLAlchemyError:
            # The caller still gets a number to ring; the failure is for us to see, not them.
            log.exception("handoff ticket could not be stored")
            dispatcher.utter_message(response="utter_handoff_failed", **hotline.contact_from_files())
            return []
        dispatcher.utter_message(response="utter_handoff", **filled)
        return []
