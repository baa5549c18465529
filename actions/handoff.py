"""ask_human: open a ticket for hotline staff and give the caller the hotline."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from nuanxin.handoff import tickets


class ActionAskHuman(Action):
    def name(self) -> str:
        return "action_ask_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        handoff = await asyncio.to_thread(tickets.request, conversation.channel(tracker), tracker.sender_id,
                                          "ask_human", conversation.turns(tracker))
        if handoff.ticket_no is None:
            dispatcher.utter_message(response="utter_handoff_failed", **handoff.contact)
        else:
            dispatcher.utter_message(response="utter_handoff", ticket_no=handoff.ticket_no, **handoff.contact)
        return []
