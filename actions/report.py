"""report_issue (the report form), following a duplicate, check_report, the answer to "修好了吗？", and registering
as a grid member (grid_member_form).

The form asks only for what the first message did not say: what (a problem description), where (a pin, a place,
"就在这" asks for the pin), whether it is one of the open reports nearby, an optional photo and a confirmation
with the suggested category, which the rider can change with a button. A first message that says what and where
is filed at once (after the duplicates question, if any). Every rule about reports lives in nuanxin.report.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import channel, entity
from actions.forms import MISSES, checked
from nuanxin import responses
from nuanxin.messaging import contract
from nuanxin.report import categories, filing, intake, members, workflow
from nuanxin.station import geo

TEXT, CATEGORY, LOCATION, DUPLICATE, PHOTO, CONFIRMED, QUICK = (
    "report_text", "report_category", "report_location", "report_duplicate", "report_photo", "report_confirmed",
    "report_quick")
FORM_SLOTS = (TEXT, CATEGORY, LOCATION, DUPLICATE, PHOTO, CONFIRMED, QUICK)
MEMBER_SLOTS = ("member_consent", "member_name", "member_phone", "member_street")
DECLINED = "no"
NEW = "new"
NONE = "none"
# Messages that end the form instead of answering it: handled by their own rules.
LEAVING = ("cancel",)


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _place(tracker: Tracker) -> tuple[float, float, str] | None:
    raw = tracker.get_slot(LOCATION)
    return tuple(json.loads(raw)) if raw else None  # type: ignore[return-value]


def _photo_of(tracker: Tracker) -> str | None:
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata.get("photo") or None


def _requested_at_last_message(tracker: Tracker) -> str | None:
    """What the form had asked when the rider's latest message arrived (the slot may have moved on since)."""
    requested = None
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    for event in tracker.events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif event.get("event") == "active_loop" and event.get("name") is None:
            requested = None
    return requested


def _leaving(tracker: Tracker) -> bool:
    """An emergency or a cancel is not an answer: the form is rejected and their rules take over (the emergency
    rule then resumes the form, the cancel rule ends it)."""
    intent = _intent(tracker)
    return intent.startswith("emergency_") or intent in LEAVING


async def _nearby(tracker: Tracker) -> list[filing.Nearby]:
    place, category = _place(tracker), tracker.get_slot(CATEGORY)
    if not place or not category:
        return []
    return await asyncio.to_thread(filing.nearby_open, category, place[0], place[1])


async def _located(tracker: Tracker, answer_to_where: bool) -> intake.Located | str | None:
    """A shared pin, else a place named in words; or why not: "outside", "here" (a pin is needed), "bad"."""
    latitude, longitude = entity(tracker, "latitude"), entity(tracker, "longitude")
    if latitude is not None or longitude is not None:
        point = geo.check(latitude, longitude)
        if isinstance(point, geo.BadLocation):
            return "outside" if point is geo.BadLocation.OUTSIDE_CHINA else "bad"
        located = intake.Located(point[0], point[1], responses.text("utter_station_your_location"))
    else:
        text = _text(tracker)
        located = await asyncio.to_thread(intake.locate, text, answer_to_where)
        if located is None:
            return "here" if answer_to_where and intake.means_here(text) else None
    if not await asyncio.to_thread(intake.in_district, located.lat, located.lon):
        return "outside"
    return located


def _say_followed(dispatcher: CollectingDispatcher, followed: filing.Followed) -> None:
    dispatcher.utter_message(
        response="utter_report_followed_already" if followed.already else "utter_report_followed",
        ticket=followed.ticket, status=followed.status, count=followed.confirmations + 1)


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        # CATEGORY and QUICK are never asked: they are filled with the description (suggested category; whether
        # the first message said what and where), and listed so that the form keeps them.
        wanted = [TEXT, CATEGORY, QUICK, LOCATION]
        if tracker.get_slot(LOCATION) and (tracker.get_slot(DUPLICATE) is not None or await _nearby(tracker)):
            wanted.append(DUPLICATE)
        following = tracker.get_slot(DUPLICATE) not in (None, NEW)  # "是同一个": nothing more to ask
        if not tracker.get_slot(QUICK) and not following:
            wanted += [PHOTO, CONFIRMED]
        return wanted

    async def extract_report_text(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        requested, text = tracker.get_slot("requested_slot"), _text(tracker)
        if tracker.get_slot(TEXT) or _leaving(tracker):
            return {}
        carried = entity(tracker, "report_text")  # "上报这个情况" after an emergency's numbers
        if requested is None and carried:
            return {TEXT: carried[:1000]}
        if requested == TEXT and (not text or text.startswith("/") or intake.only_where(text)):
            return {TEXT: None}  # a button, "就在这" or a bare place is no description: asked again
        if requested == TEXT or (requested is None and intake.describes_problem(text)):
            slots: dict[str, Any] = {TEXT: text}
            if requested is None:  # the first message: one message is enough when it also says where
                located = await _located(tracker, answer_to_where=False)
                if isinstance(located, intake.Located):
                    slots[LOCATION] = json.dumps([located.lat, located.lon, located.name], ensure_ascii=False)
                    slots[QUICK] = True
            return slots
        return {}

    async def extract_report_category(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """Suggested from the description; a category button (or its name typed) changes it at any step."""
        if _intent(tracker) == "choose_category" or tracker.get_slot("requested_slot") == CONFIRMED:
            chosen = categories.by_name(entity(tracker, "category") or "") or categories.named_in(_text(tracker))
            if chosen:  # the summary is shown again with the new category
                return {CATEGORY: chosen.id, CONFIRMED: None}
        if tracker.get_slot(CATEGORY) is None and tracker.get_slot(TEXT):
            return {CATEGORY: categories.suggest(tracker.get_slot(TEXT)).id}
        return {}

    async def extract_report_quick(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot(QUICK) is None and tracker.get_slot(TEXT):
            return {QUICK: False}
        return {}

    async def extract_report_location(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot(LOCATION) or _leaving(tracker):
            return {}
        requested = tracker.get_slot("requested_slot")
        located = await _located(tracker, answer_to_where=requested == LOCATION)
        if isinstance(located, intake.Located):
            return {LOCATION: json.dumps([located.lat, located.lon, located.name], ensure_ascii=False)}
        # Not a place we can use: asked again, saying why (action_ask_report_location).
        return {LOCATION: None} if requested == LOCATION else {}

    async def extract_report_duplicate(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != DUPLICATE or _leaving(tracker):
            return {}
        intent = _intent(tracker)
        if intent == "follow_report":
            ticket = entity(tracker, "ticket")
            if ticket is None:  # "是同一个" typed: the nearest one offered
                nearby = await _nearby(tracker)
                ticket = nearby[0].ticket if nearby else None
            return {DUPLICATE: ticket or NEW}
        if intent == "deny":
            return {DUPLICATE: NEW}
        return {DUPLICATE: None}  # asked again

    async def extract_report_photo(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        photo = _photo_of(tracker)
        if photo and tracker.get_slot(PHOTO) in (None, NONE):  # a photo after "不用了" is taken all the same
            dispatcher.utter_message(response="utter_report_photo_received")
            gps = (tracker.latest_message.get("metadata") or {}).get("photo_gps")
            if gps and not tracker.get_slot(LOCATION):
                # The photo's own position is offered now, as a button: the conversation's memory never keeps
                # the photo's metadata (nuanxin.messaging.tracker_store), and nothing is taken without a tap.
                dispatcher.utter_message(response="utter_report_photo_place", buttons=[
                    {"title": responses.text("utter_button_photo_place"),
                     "payload": contract.share_location(float(gps[0]), float(gps[1]))}])
            return {PHOTO: photo}
        if tracker.get_slot("requested_slot") != PHOTO or _leaving(tracker):
            return {}
        return {PHOTO: NONE} if _intent(tracker) in ("deny", "affirm") else {PHOTO: None}

    async def extract_report_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != CONFIRMED or _leaving(tracker):
            return {}
        if _intent(tracker) == "affirm":
            return {CONFIRMED: "yes"}
        return {CONFIRMED: None}  # the summary again (with a category just chosen, if any)


class ActionAskReportLocation(Action):
    """Where? The first time plainly; again with the reason the last answer could not be used."""

    def name(self) -> str:
        return "action_ask_report_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        response = "utter_ask_report_location"
        if _requested_at_last_message(tracker) == LOCATION:
            reason = await _located(tracker, answer_to_where=True)
            response = {"outside": "utter_report_location_outside", "here": "utter_report_location_here",
                        "bad": "utter_report_location_bad"}.get(reason, "utter_report_location_unknown")
        dispatcher.utter_message(response=response)
        return []


class ActionAskReportDuplicate(Action):
    """The open reports of the same category within 250 m, each a button that follows it."""

    def name(self) -> str:
        return "action_ask_report_duplicate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        nearby = await _nearby(tracker)
        lines = [responses.text("utter_report_duplicates_header")]
        buttons = []
        for rank, item in enumerate(nearby, start=1):
            age = (responses.text("utter_report_age_today") if item.age_days == 0 else
                   responses.text("utter_report_age_days", days=item.age_days))
            lines.append(responses.text("utter_report_duplicate_item", rank=rank, ticket=item.ticket, age=age,
                                        distance=item.distance_m, excerpt=item.excerpt, count=item.confirmations + 1))
            buttons.append({"title": responses.text("utter_button_same_report", rank=rank),
                            "payload": "/follow_report" + json.dumps({"ticket": item.ticket})})
        buttons.append({"title": responses.text("utter_button_new_report"), "payload": "/deny"})
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


class ActionAskReportConfirmed(Action):
    """The summary with the suggested category: confirm, cancel, or change the category with a button."""

    def name(self) -> str:
        return "action_ask_report_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        category = categories.by_id(tracker.get_slot(CATEGORY) or categories.OTHER)
        place = _place(tracker)
        photo = tracker.get_slot(PHOTO)
        text = responses.text("utter_report_summary", text=filing.excerpt(tracker.get_slot(TEXT) or ""),
                              category=category.name, place=place[2] if place else "",
                              photo=responses.text("utter_report_photo_yes" if photo and photo != NONE
                                                   else "utter_report_photo_no"))
        buttons = [{"title": responses.text("utter_button_submit_report"), "payload": "/affirm"},
                   {"title": responses.text("utter_button_cancel_report"), "payload": "/cancel"}]
        buttons += [{"title": responses.text("utter_button_category", category=c.name),
                     "payload": "/choose_category" + json.dumps({"category": c.id}, ensure_ascii=False)}
                    for c in categories.all_categories() if c.id != category.id]
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionSubmitReport(Action):
    """Files the report (or follows the duplicate the rider chose) and clears the form's slots."""

    def name(self) -> str:
        return "action_submit_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        cleared = [SlotSet(slot, None) for slot in FORM_SLOTS]
        sender, via = tracker.sender_id, channel(tracker)
        duplicate = tracker.get_slot(DUPLICATE)
        if duplicate and duplicate != NEW:
            followed = await asyncio.to_thread(filing.follow, via, sender, duplicate)
            if followed is not None:
                _say_followed(dispatcher, followed)
                return cleared
        place = _place(tracker)
        photo = tracker.get_slot(PHOTO)
        filed = await asyncio.to_thread(
            filing.file, via, sender, tracker.get_slot(TEXT) or "", tracker.get_slot(CATEGORY) or categories.OTHER,
            place[0] if place else None, place[1] if place else None, place[2] if place else None,
            photo if photo and photo != NONE else None)
        if filed.held:
            dispatcher.utter_message(response="utter_report_filed_held", ticket=filed.ticket)
            return cleared
        category = categories.by_id(tracker.get_slot(CATEGORY) or categories.OTHER)
        note = (responses.text("utter_report_points_note_member", points=category.points) if filed.earns_points
                else responses.text("utter_report_points_note_volunteer"))
        dispatcher.utter_message(response="utter_report_filed", ticket=filed.ticket, category=filed.category,
                                 points_note=note)
        return cleared


class ActionFollowReport(Action):
    """A "是同一个" button tapped after its form ended: that report is followed all the same."""

    def name(self) -> str:
        return "action_follow_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        ticket = entity(tracker, "ticket")
        followed = await asyncio.to_thread(filing.follow, channel(tracker), tracker.sender_id, ticket) if ticket \
            else None
        if followed is None:
            dispatcher.utter_message(response="utter_report_nothing_in_progress")
        else:
            _say_followed(dispatcher, followed)
        return []


class ActionCancelReport(Action):
    """/cancel while reporting or registering: nothing is stored, the form's slots are cleared."""

    def name(self) -> str:
        return "action_cancel_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        registering = tracker.active_loop_name == "grid_member_form"
        dispatcher.utter_message(response="utter_member_cancelled" if registering else "utter_report_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(MISSES, 0),
                *[SlotSet(slot, None) for slot in (*FORM_SLOTS, *MEMBER_SLOTS)]]


class ActionCheckReport(Action):
    def name(self) -> str:
        return "action_check_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        mine = await asyncio.to_thread(filing.mine, channel(tracker), tracker.sender_id)
        if not mine:
            dispatcher.utter_message(response="utter_report_none")
            return []
        lines = [responses.text("utter_report_list_header")]
        for item in mine:
            lines.append(responses.text(
                "utter_report_list_item", ticket=item.ticket, category=item.category, status=item.status,
                followed="" if item.own else responses.text("utter_report_list_followed"),
                note=item.note or responses.text("utter_report_no_note")))
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionAnswerFixed(Action):
    """"修好了" / "没修好", from the buttons of the resolution message (with its ticket) or typed."""

    def name(self) -> str:
        return "action_answer_fixed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        via, sender = channel(tracker), tracker.sender_id
        ticket = entity(tracker, "ticket")
        fixed_entity = entity(tracker, "fixed")
        fixed = fixed_entity != "no" if fixed_entity else not intake.says_not_fixed(_text(tracker))
        if ticket is None:
            resolved = [m for m in await asyncio.to_thread(filing.mine, via, sender)
                        if m.status == categories.state_name("resolved")]
            ticket = resolved[0].ticket if resolved else None
        answer = await asyncio.to_thread(workflow.answer_fixed, via, sender, ticket, fixed) if ticket else None
        if answer is None:
            dispatcher.utter_message(response="utter_report_fixed_nothing")
        elif answer.reopened:
            dispatcher.utter_message(response="utter_report_reopened", ticket=answer.ticket)
        elif answer.still_open:
            dispatcher.utter_message(response="utter_report_still_open", ticket=answer.ticket, status=answer.status)
        elif answer.points_granted:
            dispatcher.utter_message(response="utter_report_fixed_points", points=answer.points_granted)
        else:
            dispatcher.utter_message(response="utter_report_fixed_thanks")
        return []



class ValidateGridMemberForm(FormValidationAction):
    """Consent first (its notice says what is kept and why), then name, mobile and street, each checked."""

    def name(self) -> str:
        return "validate_grid_member_form"

    def validate_member_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        if value == DECLINED:  # nothing else is asked; the registration action says so and stores nothing
            return {slot: DECLINED for slot in MEMBER_SLOTS}
        return {"member_consent": value}

    def validate_member_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "member_name", value, members.valid_name, "utter_member_bad_name")

    def validate_member_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        return checked(dispatcher, tracker, "member_phone", value, members.valid_phone, "utter_member_bad_phone")

    async def validate_member_street(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        return await asyncio.to_thread(checked, dispatcher, tracker, "member_street", value, members.named_street,
                                       "utter_member_bad_street")


class ActionRegisterGridMember(Action):
    def name(self) -> str:
        return "action_register_grid_member"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        cleared = [SlotSet(slot, None) for slot in MEMBER_SLOTS] + [SlotSet(MISSES, 0)]
        values = {slot: tracker.get_slot(slot) or "" for slot in MEMBER_SLOTS}
        if values["member_consent"] != "yes":
            dispatcher.utter_message(response="utter_member_declined")
            return cleared
        done = await asyncio.to_thread(members.register, channel(tracker), tracker.sender_id, values["member_name"],
                                       values["member_phone"], values["member_street"], True)
        if isinstance(done, members.Problem):  # checked field by field already; a street renamed meanwhile
            dispatcher.utter_message(response="utter_member_bad_street")
            return cleared
        dispatcher.utter_message(response="utter_member_already" if done.already else "utter_member_registered",
                                 name=done.name, phone=done.phone, street=done.street)
        return cleared
