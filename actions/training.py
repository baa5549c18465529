"""enroll_training (the catalogue, narrowed by the rider's words), the enrollment form (training_form), my places,
giving one up and answering an offered seat. Seats, the waitlist and the catalogue are nuanxin.training's."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import channel, entity
from actions.forms import (MISSES, RULED, PatientFormValidation, answer, asked, checked, choice, confirmation,
                           intent_of, missed, text_of, typed)
from nuanxin import masking, responses
from nuanxin.handoff import hotline
from nuanxin.training import catalogue, enrollment

SLOTS = ("training_session", "training_consent", "training_name", "training_phone", "training_confirmed")
SHOWN = "training_shown"


def _choose_buttons(runs: list[catalogue.Run]) -> list[dict[str, str]]:
    return [{"title": responses.text("utter_button_training_choose", title=r.title, when=r.when),
             "payload": "/choose_training" + json.dumps({"training_session": r.id})} for r in runs]


def _listed(runs: list[catalogue.Run]) -> str:
    return "\n".join(responses.text(
        "utter_training_run", rank=rank, title=r.title, when=r.when, location=r.location, cost=r.cost,
        audience=r.audience,
        seats=responses.text("utter_training_seats_left", left=r.seats_left) if r.seats_left > 0
        else responses.text("utter_training_seats_full")) for rank, r in enumerate(runs, 1))


async def show_catalogue(dispatcher: CollectingDispatcher, text: str) -> list[dict[str, Any]]:
    """The runs fitting the rider's words, each with its button; remembered so that "第二个" means one of them."""
    found = await asyncio.to_thread(catalogue.listing, text)
    if not found.runs:
        dispatcher.utter_message(response="utter_training_catalogue_empty", **await asyncio.to_thread(hotline.current))
        return [SlotSet(SHOWN, [])]
    response = ("utter_training_catalogue" if not found.filters else
                "utter_training_catalogue_filtered" if found.matched else "utter_training_catalogue_unmatched")
    dispatcher.utter_message(text=responses.text(response, runs=_listed(found.runs), filters=found.filters.words()),
                             buttons=_choose_buttons(found.runs))
    return [SlotSet(SHOWN, [r.id for r in found.runs])]


class ActionTrainingCatalogue(Action):
    """The catalogue becomes the topic, so that "第二个" or "急救那个" next picks from it."""

    def name(self) -> str:
        return "action_training_catalogue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        events = await show_catalogue(dispatcher, text_of(tracker))
        return [*events, SlotSet("topic", "training" if events[0]["value"] else None)]


class ValidateTrainingForm(PatientFormValidation):
    """Which run (a button, or typed: "第二个", "急救那个", "下周六那场"), consent, name, phone, the summary."""

    def name(self) -> str:
        return "validate_training_form"

    async def extract_training_session(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        carried = entity(tracker, "training_session") if intent_of(tracker) == "choose_training" else None
        if carried:  # a catalogue button, also one tapped in the middle of the form: the rider changes the run
            return {"training_session": carried, "training_confirmed": None}
        activating = not tracker.active_loop
        if not activating and tracker.get_slot("requested_slot") != "training_session":
            return {}
        if not answer(tracker, "training_session") and not activating:
            return {}
        runs = await asyncio.to_thread(catalogue.choose, text_of(tracker), tracker.get_slot(SHOWN) or [])
        if len(runs) == 1:
            return {"training_session": runs[0], MISSES: 0}
        if activating:
            return {}
        if len(runs) > 1:  # the course has several runs: show just those
            described = [r for r in [await asyncio.to_thread(catalogue.describe, i) for i in runs[:6]] if r]
            dispatcher.utter_message(text=responses.text("utter_training_which") + "\n" + _listed(described),
                                     buttons=_choose_buttons(described))
            return {"training_session": None, SHOWN: [r.id for r in described]}
        return missed(dispatcher, tracker, "training_session", "utter_training_not_a_choice")

    async def validate_training_session(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> dict[str, Any]:
        if value is None:  # not a choice: said so already
            return {"training_session": None}
        run = await asyncio.to_thread(catalogue.describe, str(value))
        if run is None or not await asyncio.to_thread(catalogue.bookable, run.id):
            dispatcher.utter_message(response="utter_training_run_gone")
            return {"training_session": None}
        return {"training_session": run.id}

    @staticmethod
    async def _about_the_run(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any]:
        """"要钱吗" / "在哪上课" while enrolling: answered from the chosen run, then the same question again (other
        questions are the policy knowledge's: forms.asked)."""
        run_id = tracker.get_slot("training_session")
        if tracker.get_slot("requested_slot") != slot or not run_id or intent_of(tracker) in RULED:
            return {}
        topic = catalogue.question_about(text_of(tracker))
        run = await asyncio.to_thread(catalogue.describe, run_id) if topic else None
        if run is None:
            return {}
        dispatcher.utter_message(response=f"utter_training_about_{topic}", title=run.title, cost=run.cost,
                                 location=run.location, when=run.when, minutes=run.minutes,
                                 audience=run.audience, bring=await asyncio.to_thread(catalogue.bring, run_id))
        dispatcher.utter_message(response="utter_training_continue")
        return {slot: None}

    async def extract_training_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        return (await self._about_the_run(dispatcher, tracker, "training_consent")
                or await asked(dispatcher, tracker, "training_consent")
                or choice(dispatcher, tracker, "training_consent"))

    def validate_training_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if value == "no":  # nothing else is asked or kept
            return {slot: "no" for slot in SLOTS}
        return {"training_consent": value}

    async def extract_training_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        return (await self._about_the_run(dispatcher, tracker, "training_name")
                or await typed(dispatcher, tracker, "training_name", enrollment.valid_name))

    def validate_training_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "training_name", value, enrollment.valid_name, "utter_training_bad_name")

    async def extract_training_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        shared = entity(tracker, "phone")  # the Telegram contact
        if shared and tracker.get_slot("requested_slot") == "training_phone":
            return {"training_phone": shared}
        return (await self._about_the_run(dispatcher, tracker, "training_phone")
                or await typed(dispatcher, tracker, "training_phone", enrollment.valid_phone))

    def validate_training_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "training_phone", value, enrollment.valid_phone,
                       "utter_training_bad_phone")

    async def extract_training_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        return (await self._about_the_run(dispatcher, tracker, "training_confirmed")
                or await asked(dispatcher, tracker, "training_confirmed")
                or confirmation(dispatcher, tracker, "training_confirmed"))


class ActionAskTrainingSession(Action):
    def name(self) -> str:
        return "action_ask_training_session"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        shown = tracker.get_slot(SHOWN) or []
        if tracker.get_slot("requested_slot") == "training_session" and shown:  # asked again: a short question
            dispatcher.utter_message(response="utter_ask_training_session")
            return []
        return await show_catalogue(dispatcher, text_of(tracker))


class ActionAskTrainingConfirmed(Action):
    def name(self) -> str:
        return "action_ask_training_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        run = await asyncio.to_thread(catalogue.describe, tracker.get_slot("training_session") or "")
        if run is None:
            dispatcher.utter_message(response="utter_training_run_gone")
            return [SlotSet("training_session", None)]
        seats = (responses.text("utter_training_summary_seat", left=run.seats_left) if run.seats_left > 0
                 else responses.text("utter_training_summary_waitlist"))
        dispatcher.utter_message(
            text=responses.text("utter_training_summary", title=run.title, when=run.when, minutes=run.minutes,
                                location=run.location, cost=run.cost,
                                name=masking.mask_name(tracker.get_slot("training_name")),
                                phone=masking.mask(tracker.get_slot("training_phone") or ""), seats=seats),
            buttons=[{"title": responses.text("utter_button_submit_training"), "payload": "/affirm"},
                     {"title": responses.text("utter_button_cancel_training"), "payload": "/cancel"}])
        return []


def _cleared() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in SLOTS] + [SlotSet(MISSES, 0), SlotSet("topic", None), SlotSet(SHOWN, None)]


class ActionSubmitTraining(Action):
    def name(self) -> str:
        return "action_submit_training"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        values = {slot: tracker.get_slot(slot) or "" for slot in SLOTS}
        if values["training_consent"] != "yes":  # declined at the notice: nothing was asked or is sent
            dispatcher.utter_message(response="utter_training_declined")
            return _cleared()
        booked = await asyncio.to_thread(
            enrollment.enroll, channel(tracker), tracker.sender_id, values["training_session"],
            values["training_name"], values["training_phone"], values["training_consent"] == "yes")
        if booked is None:
            dispatcher.utter_message(response="utter_training_failed")
        elif booked.existing:
            dispatcher.utter_message(response="utter_training_existing", title=booked.title, when=booked.when,
                                     location=booked.location, status=booked.status_name)
        else:
            dispatcher.utter_message(
                response="utter_training_enrolled" if booked.status == enrollment.Place.ENROLLED.value
                else "utter_training_waitlisted", title=booked.title, when=booked.when, location=booked.location,
                waiting=booked.waiting)
        return _cleared()


def _mine_line(place: enrollment.Booked) -> str:
    detail = (responses.text("utter_training_mine_waiting", waiting=place.waiting) if place.waiting else
              responses.text("utter_training_mine_offered", until=place.offer_until) if place.offer_until else "")
    return responses.text("utter_training_mine_item", title=place.title, when=place.when, location=place.location,
                          status=place.status_name, detail=detail)


class ActionTrainingMine(Action):
    def name(self) -> str:
        return "action_training_mine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        places = await asyncio.to_thread(enrollment.mine, channel(tracker), tracker.sender_id)
        if not places:
            dispatcher.utter_message(response="utter_training_none")
            return []
        dispatcher.utter_message(text=responses.text("utter_training_mine",
                                                     items="\n".join(_mine_line(p) for p in places)))
        return []


class ActionCancelTraining(Action):
    """"不去了" / "取消报名": the named place, or the only one; with several, which one."""

    def name(self) -> str:
        return "action_cancel_training"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        named = entity(tracker, "training_session")
        if named is None:
            shown = [p.run_id for p in await asyncio.to_thread(enrollment.mine, channel(tracker), tracker.sender_id)]
            picked = await asyncio.to_thread(catalogue.choose, text_of(tracker), shown) if len(shown) > 1 else []
            named = picked[0] if len(picked) == 1 and picked[0] in shown else None
        done = await asyncio.to_thread(enrollment.cancel, channel(tracker), tracker.sender_id, named)
        if done.done is not None:
            dispatcher.utter_message(response="utter_training_cancel_done", title=done.done.title, when=done.done.when)
        elif done.choices:
            dispatcher.utter_message(response="utter_training_cancel_which", buttons=[
                {"title": responses.text("utter_button_training_cancel", title=p.title, when=p.when),
                 "payload": "/cancel_training" + json.dumps({"training_session": p.run_id})} for p in done.choices])
        else:
            dispatcher.utter_message(response="utter_training_cancel_none")
        return []


class ActionCancelTrainingForm(Action):
    """/cancel while enrolling: nothing is stored, the form's slots are cleared."""

    def name(self) -> str:
        return "action_cancel_training_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_training_cancelled_form")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *_cleared()]


class ActionAnswerTrainingOffer(Action):
    def name(self) -> str:
        return "action_answer_training_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        accept = intent_of(tracker) == "accept_training_offer"
        run_id = entity(tracker, "training_session") or ""
        place = await asyncio.to_thread(enrollment.answer_offer, channel(tracker), tracker.sender_id, run_id, accept)
        if place is None or place.status not in (enrollment.Place.ENROLLED.value, enrollment.Place.CANCELLED.value):
            dispatcher.utter_message(response="utter_training_offer_gone")
        elif place.status == enrollment.Place.ENROLLED.value:
            dispatcher.utter_message(response="utter_training_offer_accepted", title=place.title, when=place.when,
                                     location=place.location)
        else:
            dispatcher.utter_message(response="utter_training_offer_declined")
        return []
