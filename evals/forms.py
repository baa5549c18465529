"""The two forms end to end (tests/data/forms_heldout*.yml, written apart from the training data): each conversation
is played through the running assistant as a rider would — typed text, taps on the buttons it was shown, a day
passing — and counts as completed correctly when every checked turn is right (an emergency's number first, a
question answered with the form going on, the hotline at the third wrong answer, a lookup naming what it should),
no reply repeats an ID number the rider typed, and the database ends as the conversation's `outcome` says.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from evals.conversations import EMERGENCY_NUMBERS
from harness.assistant import Assistant, age_conversation
from nuanxin import db, knowledge
from nuanxin.models import CourseSession, Enrollment, Person, Street, UnionApplication
from nuanxin.settings import ROOT
from nuanxin.training.enrollment import HOLDS_SEAT, LIVE

HELDOUT = ROOT / "tests" / "data" / "forms_heldout.yml"
HELDOUT2 = ROOT / "tests" / "data" / "forms_heldout2.yml"
FORMS = {"union": "union_form", "training": "training_form"}
# What shows that a question typed in the middle of a form was answered (and not taken as a wrong answer).
ANSWERS = ("action_answer_policy", "utter_policy_answer_", "action_give_hotline", "action_union_status",
           "action_training_mine", "utter_training_about_", "utter_iamabot")
ID_TYPED = re.compile(r"\d{17}[\dXx]")


@dataclass
class FormsReport:
    by_flow: dict[str, tuple[int, int]]  # flow -> (completed correctly, conversations)
    by_pattern: dict[str, tuple[int, int]]
    failures: list[tuple[str, str]]  # (conversation id, what went wrong first)


def conversations(path: Path = HELDOUT) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]


def _button(replies: list[dict], tap: Any) -> str | None:
    """The payload of the button a rider taps: yes / no (YAML reads them as booleans), apply, or {course: id}."""
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    if isinstance(tap, dict):
        wanted = f'"{tap["course"]}-'
        return next((p for p in buttons if p.startswith("/choose_training") and wanted in p), None)
    if tap in (True, "yes"):
        return next((p for p in buttons if p in ("/affirm", "/resume_form")), None)
    if tap in (False, "no"):
        return next((p for p in buttons if p in ("/deny", "/cancel") or '"resume": "no"' in p), None)
    if tap == "apply":
        return next((p for p in buttons if p == "/apply_union"), None)
    raise ValueError(f"unknown tap {tap!r}")


def _already(tracker: dict[str, Any], tap: Any) -> bool:
    """A tap the rider's typed words made unnecessary: the application already open, or the course already chosen."""
    form = (tracker.get("active_loop") or {}).get("name")
    if tap == "apply":
        return form == FORMS["union"]
    chosen = (tracker.get("slots") or {}).get("training_session") or ""
    return isinstance(tap, dict) and form == FORMS["training"] and chosen.startswith(f"{tap['course']}-")


def _seats(database_url: str, course: str, fill: bool) -> None:
    """Setup `full`: every run of the course has no seat left; afterwards (fill=False) the seats the riders' places
    hold, so that the next conversation finds the course as it really is."""
    with db.session_scope(database_url) as session:
        for run in session.execute(select(CourseSession).where(CourseSession.course_id == course)).scalars():
            held = session.execute(select(func.count()).select_from(Enrollment).where(
                Enrollment.session_id == run.id, Enrollment.status.in_(HOLDS_SEAT))).scalar_one()
            run.seats_taken = run.capacity if fill else held


def _check_turn(turn: dict[str, Any], replies: list[dict], tracker: dict[str, Any], events: list[dict],
                flow: str) -> str | None:
    text = "\n".join(r.get("text", "") for r in replies)
    expected = turn.get("expect")
    if expected == "safety":
        first = next((r["text"] for r in replies if r.get("text")), "").split("\n", 1)[0]
        numbers = EMERGENCY_NUMBERS[turn["category"]]
        return None if any(n in first for n in numbers) else f"safety first line: {first[:40]}"
    if expected == "answered":
        done = {e["name"] for e in events if e.get("event") == "action"}
        done |= {(e.get("metadata") or {}).get("utter_action") or "" for e in events if e.get("event") == "bot"}
        answered = any(d.startswith(ANSWERS) for d in done)
        going_on = (tracker.get("active_loop") or {}).get("name") == FORMS[flow]
        return None if answered and going_on else f"not answered ({sorted(done)}), form going on: {going_on}"
    if expected == "hotline":
        phone = next(c for c in knowledge.read_yaml("hotline.yml")["contacts"]
                     if c["id"] == "district_hotline")["phone"]
        return None if phone in text else f"no hotline: {text[:60]}"
    if expected == "lists":
        missing = [n for n in turn["names"] if n not in text]
        return f"missing {missing}: {text[:60]}" if missing else None
    return None


def _check_outcome(database_url: str, sender: str, outcome: dict[str, Any]) -> str | None:
    with db.session_scope(database_url) as session:
        person = session.execute(select(Person).where(Person.external_id == sender)).scalar_one_or_none()
        applications = [] if person is None else session.execute(select(UnionApplication).where(
            UnionApplication.person_id == person.id, UnionApplication.status == "pending")).scalars().all()
        places = [] if person is None else session.execute(
            select(CourseSession.course_id, Enrollment.status).join(CourseSession).where(
                Enrollment.person_id == person.id, Enrollment.status.in_(LIVE))).all()
        if outcome.get("nothing"):
            return None if not applications and not places else f"stored {len(applications)} + {places}"
        if "union" in outcome:
            wanted = outcome["union"]
            if len(applications) != 1:
                return f"{len(applications)} applications"
            got = applications[0]
            street = session.get(Street, got.street_id).name
            seen = {"name": got.name, "phone": got.phone, "street": street, "platform": got.platform}
            wrong = {k: seen[k] for k in ("name", "phone", "street", "platform") if str(wanted[k]) != str(seen[k])}
            return f"application differs: {wrong}" if wrong else None
        wanted_places = sorted((p["course"], p["status"]) for p in outcome.get("training", []))
        got_places = sorted((course, status) for course, status in places)
        return None if wanted_places == got_places else f"places {got_places}, wanted {wanted_places}"


def play(assistant: Assistant, conversation: dict[str, Any], show: bool = False) -> str | None:
    """None when the conversation was completed correctly, else the first thing that went wrong. `show` prints
    the conversation as it goes."""
    sender = f"form-{conversation['id']}-{uuid.uuid4().hex[:6]}"
    full = (conversation.get("setup") or {}).get("full")
    if full:
        _seats(assistant.database_url, full, fill=True)
    try:
        return _play(assistant, conversation, sender, show)
    finally:
        if full:
            _seats(assistant.database_url, full, fill=False)


def _play(assistant: Assistant, conversation: dict[str, Any], sender: str, show: bool) -> str | None:
    replies: list[dict] = []
    problem = None
    typed_ids: set[str] = set()
    events_before = 0
    for turn in conversation["turns"]:
        if "wait" in turn:
            age_conversation(assistant.database_url, sender, 86400)
            continue
        message = turn.get("user")
        if message is None:
            message = _button(replies, turn["tap"])
            if message is None and _already(assistant.tracker(sender), turn["tap"]):
                continue  # the form had started from the rider's words: nothing left to tap
            if message is None:
                problem = problem or f"no button {turn['tap']!r} to tap"
                continue
        typed_ids |= set(ID_TYPED.findall(message.replace(" ", "")))
        replies = assistant.say(sender, message)
        if show:
            intent = (assistant.tracker(sender).get("latest_message") or {}).get("intent", {})
            print(f">> {message}   [{intent.get('name')} {intent.get('confidence', 0):.2f}]")
            for reply in replies:
                print("   " + reply.get("text", "").replace("\n", "\n   "),
                      [b["payload"] for b in reply.get("buttons", [])] or "")
        tracker = assistant.tracker(sender)
        events = tracker.get("events", [])
        problem = problem or _check_turn(turn, replies, tracker, events[events_before:], conversation["flow"])
        events_before = len(events)
        text = "\n".join(r.get("text", "") for r in replies)
        echoed = [i for i in typed_ids if i in text.replace(" ", "")]
        problem = problem or (f"ID number shown: {message}" if echoed else None)
    return problem or _check_outcome(assistant.database_url, sender, conversation["outcome"])


def evaluate(assistant: Assistant, items: list[dict[str, Any]]) -> FormsReport:
    right: Counter = Counter()
    total: Counter = Counter()
    by_pattern_right: Counter = Counter()
    by_pattern: Counter = Counter()
    failures = []
    for conversation in items:
        problem = play(assistant, conversation)
        total[conversation["flow"]] += 1
        by_pattern[conversation["pattern"]] += 1
        if problem is None:
            right[conversation["flow"]] += 1
            by_pattern_right[conversation["pattern"]] += 1
        else:
            failures.append((conversation["id"], problem))
    return FormsReport({f: (right[f], n) for f, n in sorted(total.items())},
                       {p: (by_pattern_right[p], n) for p, n in sorted(by_pattern.items())}, failures)

