"""my_data, delete_my_data / withdraw_consent, confirm_deletion: what is kept about the rider (masked; on Telegram
also the full copy as a JSON document), and deletion — explained first, done only after a confirmation, in one
transaction (nuanxin.privacy)."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import channel
from nuanxin import responses
from nuanxin.privacy import erasure, inventory, retention

DOCUMENT_CHANNELS = ("telegram",)  # front ends that can hand the rider a file
AWAITING = "deletion"


def _lines(kept: dict[str, Any]) -> list[str]:
    profile = kept["profile"]
    phone = responses.text("utter_my_data_phone", phone=profile["phone"]) if profile["phone"] else ""
    lines = [responses.text("utter_my_data_header"),
             responses.text("utter_my_data_profile", since=profile["since"], phone=phone)]
    lines += [responses.text("utter_my_data_consent", purpose=c["purpose"], version=c["notice_version"],
                             date=c["date"]) for c in kept["consents"]]
    if member := kept["grid_member"]:
        lines.append(responses.text("utter_my_data_grid_member", **member))
    lines += [responses.text("utter_my_data_union", **a) for a in kept["union_applications"]]
    lines += [responses.text("utter_my_data_enrollment", **e) for e in kept["enrollments"]]
    lines += [responses.text("utter_my_data_report", **r) for r in kept["reports"]]
    lines += [responses.text("utter_my_data_followed", **r) for r in kept["followed_reports"]]
    if kept["points"]["ledger"]:
        lines.append(responses.text("utter_my_data_points", balance=kept["points"]["balance"],
                                    entries=len(kept["points"]["ledger"])))
    lines += [responses.text("utter_my_data_ticket", **t) for t in kept["handoff_tickets"]]
    lines.append(responses.text("utter_my_data_footer", **{name: retention.days(name)
                                                          for name in ("messages", "photos", "locations")}))
    return lines


class ActionMyData(Action):
    def name(self) -> str:
        return "action_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        via = channel(tracker)
        kept = await asyncio.to_thread(inventory.summary, via, tracker.sender_id)
        if kept is None:
            dispatcher.utter_message(response="utter_my_data_none")
            return []
        dispatcher.utter_message(text="\n".join(_lines(kept)))
        if via in DOCUMENT_CHANNELS:
            copy = await asyncio.to_thread(inventory.full_copy, via, tracker.sender_id)
            dispatcher.utter_message(json_message={"document": {
                "filename": "暖新助手-我的信息.json", "caption": responses.text("utter_my_data_document"),
                "content": json.dumps(copy, ensure_ascii=False, indent=2)}})
        return []


async def _explain(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    plan = await asyncio.to_thread(erasure.plan, channel(tracker), tracker.sender_id)
    if not plan.anything:
        dispatcher.utter_message(response="utter_deletion_nothing")
        return [SlotSet("awaiting", None)]
    union = responses.text("utter_deletion_union_kept") if plan.approved_union else ""
    dispatcher.utter_message(response="utter_deletion_explained", reports=plan.reports, points=plan.points,
                             union=union)
    return [SlotSet("awaiting", AWAITING)]


class ActionExplainDeletion(Action):
    def name(self) -> str:
        return "action_explain_deletion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        return await _explain(dispatcher, tracker)


def _just_explained(tracker: Tracker) -> bool:
    """The explanation was the assistant's answer to the message before this one (it set `awaiting`): a yes
    later on, after other talk, is not a yes to deleting."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "awaiting":
            return event.get("value") == AWAITING
    return False


class ActionDeleteMyData(Action):
    """Deletes only when the message right after the explanation says yes; a "确认删除" out of the blue, a yes
    later on, or a forged payload gets the explanation first."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("awaiting") != AWAITING or not _just_explained(tracker):
            return await _explain(dispatcher, tracker)
        if intent == "deny":
            dispatcher.utter_message(response="utter_deletion_cancelled")
            return [SlotSet("awaiting", None)]
        done = await asyncio.to_thread(erasure.erase, channel(tracker), tracker.sender_id)
        if not done.anything:
            dispatcher.utter_message(response="utter_deletion_nothing")
            return [SlotSet("awaiting", None)]
        places = responses.text("utter_deletion_places", count=done.places_released) if done.places_released else ""
        applications = (responses.text("utter_deletion_applications", count=done.applications_deleted)
                        if done.applications_deleted else "")
        union = responses.text("utter_deletion_union_kept") if done.approved_union_kept else ""
        dispatcher.utter_message(response="utter_deletion_done", places=places, applications=applications,
                                 reports=done.reports_kept, union=union)
        return [SlotSet("awaiting", None), SlotSet("data_erased", True)]
