"""join_union (what membership gives, then the offer to apply), the application form (union_form) and the
status of one's application. The checks, routing and storage are nuanxin.union's."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import channel, entity
from actions.forms import MISSES, PatientFormValidation, asked, checked, choice, confirmation, typed
from nuanxin import masking, responses
from nuanxin.union import applications, id_numbers

SLOTS = ("union_consent", "union_name", "union_phone", "union_id_number", "union_occupation", "union_street",
         "union_confirmed")
DECLINED = "no"


class ActionUnionIntro(Action):
    def name(self) -> str:
        return "action_union_intro"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        text, details = await asyncio.to_thread(applications.intro)
        buttons = [{"title": responses.text("utter_button_apply_union"), "payload": "/apply_union"}]
        buttons += [{"title": title, "payload": '/ask_policy{"policy_unit": "%s"}' % unit} for unit, title in details]
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("topic", "union")]  # a yes next applies


class ValidateUnionForm(PatientFormValidation):
    """Consent first; each field checked as it comes and shown back masked in the summary."""

    def name(self) -> str:
        return "validate_union_form"

    async def extract_union_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        return await asked(dispatcher, tracker, "union_consent") or choice(dispatcher, tracker, "union_consent")

    def validate_union_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if value == DECLINED:  # nothing else is asked or kept
            return {slot: DECLINED for slot in SLOTS}
        return {"union_consent": value}

    async def extract_union_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        return await typed(dispatcher, tracker, "union_name", applications.valid_name)

    def validate_union_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "union_name", value, applications.valid_name, "utter_union_bad_name")

    async def extract_union_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        shared = entity(tracker, "phone")  # the Telegram contact
        if shared and tracker.get_slot("requested_slot") == "union_phone":
            return {"union_phone": shared}
        return await typed(dispatcher, tracker, "union_phone", applications.valid_phone)

    def validate_union_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "union_phone", value, applications.valid_phone, "utter_union_bad_phone")

    async def extract_union_id_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        return await typed(dispatcher, tracker, "union_id_number", id_numbers.checked_and_sealed)

    def validate_union_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        # Only the sealed form (hash and masked number) is kept in the conversation, never the number itself.
        return checked(dispatcher, tracker, "union_id_number", value, id_numbers.checked_and_sealed,
                       "utter_union_bad_id")

    async def extract_union_occupation(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        return await typed(dispatcher, tracker, "union_occupation", applications.named_trade)

    def validate_union_occupation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "union_occupation", value, applications.named_trade,
                       "utter_union_bad_occupation")

    async def extract_union_street(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        return await typed(dispatcher, tracker, "union_street", applications.named_street)

    async def validate_union_street(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        return await asyncio.to_thread(checked, dispatcher, tracker, "union_street", value, applications.named_street,
                                       "utter_union_bad_street")

    async def extract_union_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        return (await asked(dispatcher, tracker, "union_confirmed")
                or confirmation(dispatcher, tracker, "union_confirmed"))


class ActionAskUnionConfirmed(Action):
    def name(self) -> str:
        return "action_ask_union_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        sealed = id_numbers.unseal(tracker.get_slot("union_id_number") or "")
        dispatcher.utter_message(
            text=responses.text("utter_union_summary", name=masking.mask_name(tracker.get_slot("union_name")),
                                phone=masking.mask(tracker.get_slot("union_phone") or ""),
                                id_number=sealed[1] if sealed else "",
                                occupation=tracker.get_slot("union_occupation") or "",
                                street=tracker.get_slot("union_street") or ""),
            buttons=[{"title": responses.text("utter_button_submit_union"), "payload": "/affirm"},
                     {"title": responses.text("utter_button_cancel_union"), "payload": "/cancel"}])
        return []


class ActionSubmitUnion(Action):
    def name(self) -> str:
        return "action_submit_union"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        cleared = [SlotSet(slot, None) for slot in SLOTS] + [SlotSet(MISSES, 0), SlotSet("topic", None)]
        values = {slot: tracker.get_slot(slot) or "" for slot in SLOTS}
        if values["union_consent"] != "yes":
            dispatcher.utter_message(response="utter_union_declined")
            return cleared
        done = await asyncio.to_thread(
            applications.submit, channel(tracker), tracker.sender_id, values["union_name"], values["union_phone"],
            values["union_id_number"], values["union_occupation"], values["union_street"], True)
        if done is None:  # every field was checked on the way; only a street renamed meanwhile gets here
            dispatcher.utter_message(response="utter_union_bad_street")
            return cleared
        if done.someone_else:
            dispatcher.utter_message(response="utter_union_taken")
            return cleared
        dispatcher.utter_message(response="utter_union_existing" if done.existing else "utter_union_submitted",
                                 reference=done.reference, group=done.group, status=done.status)
        return cleared


class ActionUnionStatus(Action):
    def name(self) -> str:
        return "action_union_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        found = await asyncio.to_thread(applications.mine, channel(tracker), tracker.sender_id)
        if not found:
            dispatcher.utter_message(response="utter_union_none")
            return []
        dispatcher.utter_message(text="\n".join(responses.text(
            "utter_union_status_item", reference=a.reference, group=a.group, status=a.status,
            reason=responses.text("utter_union_reason", reason=a.reason) if a.reason else "") for a in found))
        return []


class ActionCancelUnion(Action):
    """/cancel while applying: nothing is stored, the form's slots are cleared."""

    def name(self) -> str:
        return "action_cancel_union"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_union_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(MISSES, 0), SlotSet("topic", None),
                *[SlotSet(slot, None) for slot in SLOTS]]
