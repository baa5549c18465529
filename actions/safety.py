"""emergency_<kind>: the emergency numbers first, then what to do, then a person (a ticket for staff at once)."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from nuanxin import responses, safety
from nuanxin.handoff import hotline, tickets

# The numbers must never wait on a slow database: past this, the rider gets the hotline and the ticket, if the
# database answers later, is still stored.
TICKET_TIMEOUT_S = 3.0


class ActionSafety(Action):
    def name(self) -> str:
        return "action_safety"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        category = intent.removeprefix(safety.PREFIX)
        if category not in safety.CATEGORIES:  # a rule routed something else here: the numbers for any danger
            category = "crime"
        dispatcher.utter_message(response=f"utter_safety_{category}")
        try:
            handoff = await asyncio.wait_for(asyncio.to_thread(
                tickets.request, conversation.channel(tracker), tracker.sender_id, f"safety_{category}",
                conversation.turns(tracker)), TICKET_TIMEOUT_S)
        except asyncio.TimeoutError:
            handoff = tickets.Handoff(None, hotline.contact_from_files())
        # Then the report: one tap files this message, unless a form is open (it goes on by itself afterwards).
        buttons = [] if category not in safety.REPORTABLE or tracker.active_loop_name else [
            {"title": responses.text("utter_button_report_this"),
             "payload": "/report_issue" + json.dumps({"report_text": tracker.latest_message.get("text") or ""},
                                                     ensure_ascii=False)}]
        if handoff.ticket_no is None:
            dispatcher.utter_message(response="utter_safety_person_unstored", buttons=buttons, **handoff.contact)
        else:
            dispatcher.utter_message(response="utter_safety_person", ticket_no=handoff.ticket_no, buttons=buttons,
                                     **handoff.contact)
        return []
