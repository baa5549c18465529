"""What every form (union_form, training_form) does like a patient person: an answer is taken only when it is one;
a question, a correction, a cancel or an emergency is left to its rule (the form rejects, the rule answers, the
form asks again); three wrong answers in a row bring the hotline; a rider back after the session expired is
asked whether to go on. The fields' checks are the core's; this module only reads the tracker."""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any, Callable, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import policy
from actions.conversation import channel, entity
from nuanxin import forms, people
from nuanxin.handoff import hotline
from nuanxin.policy import answers
from nuanxin.union import applications, id_numbers

EMERGENCIES = ("emergency_injury", "emergency_traffic", "emergency_fire", "emergency_crime", "emergency_fraud",
               "emergency_self_harm")
# The intents a form steps aside for (it rejects, and a rule conditioned on the form answers and returns to it):
# cancelling, a correction, an emergency (RULED, plus deny where a text answer is asked: "算了"), and the
# questions in INTERRUPTIONS. Every one has a rule for every patient form (tests/test_domain.py holds this);
# anything else is read as an answer, so a form never waits silently for a rule that does not exist.
RULED = ("cancel", "cancel_training", "correct_field", *EMERGENCIES)
LEAVING = (*RULED, "deny")
INTERRUPTIONS = ("ask_policy", "ask_hotline", "greet", "thank", "bot_challenge", "out_of_scope", "check_union",
                 "check_training", "accept_training_offer", "decline_training_offer")
SURE = 0.6  # a yes or no the classifier is this sure of counts even without the usual words ("行吧同意")
MISSES = "form_misses"
PAUSED = "paused_form"
PATIENT_FORMS = ("union_form", "training_form")


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def text_of(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def answer(tracker: Tracker, slot: str, valid: bool = False) -> dict[str, Any]:
    """The latest message as the answer to `slot` when the form asked for it and the rider did not turn to
    something a rule handles. A message that checks as an answer (`valid`) is one, whatever the classifier thought."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    intent = intent_of(tracker)
    if intent in LEAVING or (intent in INTERRUPTIONS and not valid):
        return {}
    return {slot: text_of(tracker)}


async def asked(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, valid: bool = False) -> dict[str, Any]:
    """Not the answer but something beside it, whatever the classifier made of it: a correction of another field
    ("平台说错了 我跑的饿了么"), or a question ("入会要交钱不", read as a "no" perhaps) answered from the policy
    knowledge; then the same question again. Intents with rules of their own go there; a message that checks as
    an answer (`valid`) is the answer."""
    text = text_of(tracker)
    if (valid or tracker.get_slot("requested_slot") != slot or intent_of(tracker) in (*RULED, *INTERRUPTIONS)
            or text.startswith("/")):
        return {}
    wanted = forms.correction(text)
    form = (tracker.active_loop or {}).get("name") or ""
    if wanted.cued and wanted.field in FIELDS.get(form, {}) and FIELDS[form][wanted.field][0] != slot:
        return await corrected(dispatcher, form, wanted) or {}  # "等下 平台说错了 我跑的饿了么", classified otherwise
    if not forms.is_question(text):
        return {}
    result = await asyncio.to_thread(answers.answer, tracker.sender_id, channel(tracker), text, None,
                                     tracker.get_slot("policy_topic"))
    topic = [e for e in policy.say(dispatcher, result, next_steps=False) if e["name"] == policy.TOPIC_SLOT]
    return {slot: None, **{e["name"]: e["value"] for e in topic}}


async def typed(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str,
                check: Callable[[str], str | None]) -> dict[str, Any]:
    """A typed field (name, phone, ID …): something beside the answer (asked), else the answer; the core's check
    runs once, off the event loop."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    valid = await asyncio.to_thread(check, text_of(tracker)) is not None
    return await asked(dispatcher, tracker, slot, valid) or answer(tracker, slot, valid)


def choice(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any]:
    """A yes/no question (consent, the summary): the buttons or their words; anything else is asked again."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    intent, text = intent_of(tracker), text_of(tracker)
    said = forms.yes_or_no(text)
    if intent in ("affirm", "deny"):  # a name read as a shaky "yes" (or "no") is neither consent nor refusal
        sure = (tracker.latest_message.get("intent") or {}).get("confidence", 0) >= SURE or text.startswith("/")
        if said or sure:
            return {slot: said or ("yes" if intent == "affirm" else "no"), MISSES: 0}
        return missed(dispatcher, tracker, slot, "utter_form_yes_or_no")
    if intent == "correct_field" and said == "yes" and forms.correction(text).field is None:
        return {slot: said, MISSES: 0}  # "这回对了" after a correction: a yes, not another correction
    if intent in LEAVING or intent in INTERRUPTIONS:
        return {}
    if said:
        return {slot: said, MISSES: 0}
    return missed(dispatcher, tracker, slot, "utter_form_yes_or_no")


def confirmation(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any]:
    """The summary's question: yes submits; no asks what to change (a correction, or 取消)."""
    answered = choice(dispatcher, tracker, slot)
    if answered.get(slot) == "no":
        dispatcher.utter_message(response="utter_form_what_to_change")
        return {slot: None}
    return answered


def missed(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, problem: str) -> dict[str, Any]:
    """Say what is expected; the third miss in a row also offers the hotline and the way out."""
    misses = int(tracker.get_slot(MISSES) or 0) + 1
    dispatcher.utter_message(response=problem)
    if forms.stuck(misses):
        dispatcher.utter_message(response="utter_form_stuck", **hotline.current())
    return {slot: None, MISSES: misses}


def checked(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, value: Any,
            check: Callable[[str], str | None], problem: str) -> dict[str, Any]:
    """A form answer run through the core's check: the cleaned value, or asked again with `problem` said (None:
    the message was answered otherwise and the question is simply asked again)."""
    if value is None:
        return {slot: None}
    cleaned = check(str(value))
    if cleaned is None:
        return missed(dispatcher, tracker, slot, problem)
    return {slot: cleaned, MISSES: 0}


Check = Callable[[str], Optional[str]]
FIELDS: dict[str, dict[str, tuple[str, Optional[Check], str]]] = {  # form -> field -> (slot, check, problem)
    "union_form": {"name": ("union_name", people.valid_name, "utter_union_bad_name"),
                   "phone": ("union_phone", people.valid_phone, "utter_union_bad_phone"),
                   "id_number": ("union_id_number", id_numbers.checked_and_sealed, "utter_union_bad_id"),
                   "occupation": ("union_occupation", applications.named_trade, "utter_union_bad_occupation"),
                   "street": ("union_street", people.named_street, "utter_union_bad_street")},
    "training_form": {"name": ("training_name", people.valid_name, "utter_training_bad_name"),
                      "phone": ("training_phone", people.valid_phone, "utter_training_bad_phone"),
                      "session": ("training_session", None, "utter_training_not_a_choice")},
}
CONFIRMED = ("union_confirmed", "training_confirmed")


async def corrected(dispatcher: CollectingDispatcher, form: str, wanted: forms.Correction) -> dict[str, Any] | None:
    """That field only: replaced when the new value checks (and the summary shows it again), else emptied so that
    the form asks it next. None when the rider did not say which field of this form."""
    if wanted.field not in FIELDS.get(form, {}):
        return None
    slot, check, problem = FIELDS[form][wanted.field]
    confirming = {s: None for s in CONFIRMED}
    cleaned = (await asyncio.to_thread(check, wanted.value)) if check and wanted.value else None
    if cleaned is None:
        if wanted.value and wanted.field != "session":
            dispatcher.utter_message(response=problem)
        dispatcher.utter_message(response="utter_form_field_again")
        return {slot: None, **confirming}
    dispatcher.utter_message(response="utter_form_field_changed")
    return {slot: cleaned, MISSES: 0, **confirming}


class ActionCorrectField(Action):
    """"电话写错了，是…" / "名字改一下" (the correct_field intent, after the form stepped aside for its rule)."""

    def name(self) -> str:
        return "action_correct_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        changes = await corrected(dispatcher, tracker.active_loop.get("name") or "", forms.correction(text_of(tracker)))
        if changes is None:
            dispatcher.utter_message(response="utter_form_which_field")
            return []
        return [SlotSet(slot, value) for slot, value in changes.items()]


class PatientFormValidation(FormValidationAction, ABC):
    """A form's validation that keeps the slots its extractions set beside the form's own (the miss counter, the
    runs last listed, the policy topic of a question answered on the way), which rasa_sdk would drop."""

    KEPT = (MISSES, "training_shown", "policy_topic")

    @abstractmethod
    def name(self) -> str:
        """Abstract here, so that the action server registers only the forms' own validations."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[dict[str, Any]]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        named = {event["name"] for event in events}
        return events + [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()
                         if slot in self.KEPT and slot not in named]


class ActionSessionStart(Action):
    """Rasa's session start, keeping the slots; a form left unfinished is not resumed silently: the rider who
    comes back is asked whether to go on with it. What a form left behind otherwise (answers, consent, misses) is
    not carried into the new session: a form asked about once and not taken up is forgotten."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        unfinished = (tracker.active_loop or {}).get("name")
        kept = set(domain["forms"][unfinished]["required_slots"]) if unfinished in PATIENT_FORMS else set()
        forgotten = {slot for form in PATIENT_FORMS for slot in domain["forms"][form]["required_slots"]} - kept
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events += [SlotSet(key, value) for key, value in tracker.slots.items()
                       if value is not None and key not in ("requested_slot", PAUSED, MISSES, *forgotten)]
        if tracker.is_paused():  # a member of staff has the conversation (nuanxin.handoff.takeover): still so
            events.append(ConversationPaused())
        elif unfinished in PATIENT_FORMS:
            events.append(SlotSet(PAUSED, unfinished))
            dispatcher.utter_message(response=f"utter_form_resume_{unfinished}")
        events.append(ActionExecuted("action_listen"))
        return events


class ActionResumeForm(Action):
    """"继续" after the question above: the form goes on where it stopped; "不用了" forgets what was filled in."""

    def name(self) -> str:
        return "action_resume_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        paused = tracker.get_slot(PAUSED)
        if paused not in PATIENT_FORMS:
            dispatcher.utter_message(response="utter_form_nothing_to_resume")
            return [SlotSet(PAUSED, None)]
        if entity(tracker, "resume") == "no":
            dispatcher.utter_message(response="utter_form_dropped")
            slots = domain["forms"][paused]["required_slots"]
            return [SlotSet(PAUSED, None), SlotSet(MISSES, 0), *[SlotSet(slot, None) for slot in slots]]
        return [SlotSet(PAUSED, None), FollowupAction(paused)]
