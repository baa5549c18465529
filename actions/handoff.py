"""ask_human, ask_hotline, ticket_status, complain_bot: a person when one is meant, a number when a number is
asked for, and what became of the ticket when the rider asks about it."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from nuanxin.handoff import hotline, tickets


class ActionAskHuman(Action):
    def name(self) -> str:
        return "action_ask_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = "complaint" if intent == "complain_bot" else "ask_human"
        handoff = await asyncio.to_thread(tickets.request, conversation.channel(tracker), tracker.sender_id,
                                          reason, conversation.turns(tracker))
        if handoff.ticket_no is None:
            dispatcher.utter_message(response="utter_handoff_failed", **handoff.contact)
            return [SlotSet("awaiting", None)]
        if intent == "inform" and tracker.get_slot("awaiting") == "callback_phone" and handoff.existing:
            # The number we asked for (nlu_data/handoff.yml routes only a reply with a phone number here).
            dispatcher.utter_message(response="utter_handoff_phone_noted")
            return [SlotSet("awaiting", None)]
        response = "utter_handoff_existing" if handoff.existing else "utter_handoff"
        dispatcher.utter_message(response=response, ticket_no=handoff.ticket_no, **handoff.contact)
        if not handoff.callback_known:
            dispatcher.utter_message(response="utter_handoff_ask_phone")
            return [SlotSet("awaiting", "callback_phone")]
        # Rules follow what the action waits for (nlu_data/handoff.yml): it is always said.
        return [SlotSet("awaiting", None)]


class ActionGiveHotline(Action):
    def name(self) -> str:
        return "action_give_hotline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_hotline", **await asyncio.to_thread(hotline.current))
        return []


class ActionTicketStatus(Action):
    def name(self) -> str:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        found = await asyncio.to_thread(tickets.status, conversation.channel(tracker), tracker.sender_id)
        if found is None:
            dispatcher.utter_message(response="utter_ticket_none")
        else:
            dispatcher.utter_message(response=f"utter_ticket_status_{found.status}", ticket_no=found.ticket_no,
                                     callback=found.callback, **await asyncio.to_thread(hotline.current))
        return []
