"""Whole conversations through the running assistant (tests/data/conversations_heldout.yml, written apart from the
training data): each user turn is sent as a front end would, and what the assistant did is read back from the
tracker (actions run, responses chosen, the policy topic) and its reply text, then compared with the turn's label.

The labels say what a rider should get, not how we implement it (see the data file's header), so the same set
measures the assistant before and after a change of dialogue design.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from harness.assistant import Assistant
from nuanxin import settings

HELDOUT = settings.ROOT / "tests" / "data" / "conversations_heldout.yml"
DEV = settings.ROOT / "tests" / "data" / "conversations_dev.yml"  # the dialogue is developed against this one
EMERGENCY_NUMBERS = {"injury": ("120",), "traffic": ("122", "110"), "fire": ("119",), "crime": ("110",),
                     "fraud": ("110", "96110"), "self_harm": ("12356",)}
PHONE = re.compile(r"\d{3,4}-\d{4}[ -]?\d{0,4}|1\d{10}|12\d{3}")
STATION_LINE = re.compile(r"^(\d+)\. (.+?)（", re.M)
SIMPLE = {  # label -> a response or action that shows it
    "greet": ("utter_greet", "utter_welcome"), "goodbye": ("utter_goodbye",), "thank": ("utter_you_are_welcome",),
    "menu": ("utter_menu",), "bot_challenge": ("utter_iamabot",), "cancel": ("utter_cancelled",),
    "ask_location": ("utter_ask_location",), "out_of_scope": ("utter_out_of_scope",),
    "policy_unknown": ("utter_policy_unknown",), "fallback": ("action_handle_fallback",),
    "handoff_status": ("action_ticket_status",),
    "apology": ("utter_apology",), "more_stations": ("action_more_stations",),
    "outside_district": ("utter_location_outside_district",),
}
# `pending` turns ask for a capability; now that all have landed, the turn is right when that capability takes
# it (the sets were written when none had, and say which capability each turn asks for).
LANDED = {"report": ("report_form", "action_submit_report"), "union": ("action_union_intro", "union_form"),
          "points": ("action_check_points", "action_redeem_points"),
          "training": ("action_training_catalogue", "training_form", "action_training_mine")}


@dataclass
class Turn:
    """What the assistant did for one user message."""

    text: str
    done: set[str]  # actions run and responses chosen
    policy_topic: str | None
    first_line: str


@dataclass
class State:
    """What a conversation has shown so far: the last station list, by rank."""

    stations: list[str] = field(default_factory=list)


@dataclass
class ConversationReport:
    conversations: int
    turns: int
    turn_accuracy: float
    conversation_success: float
    by_pattern: dict[str, tuple[int, int]]  # pattern -> (conversations right, conversations)
    by_label: dict[str, tuple[int, int]]  # expected label -> (turns right, turns)
    failures: list[tuple[str, str, str, str]]  # (conversation id, user text, expected, what happened)
    senders: dict[str, tuple[str, bool]]  # conversation id -> (Rasa sender id it ran under, all turns right)


def conversations(path: Path = HELDOUT) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]


def _turn(assistant: Assistant, sender: str, text: str, events_before: int) -> tuple[Turn, int]:
    replies = assistant.say(sender, text)
    tracker = assistant.tracker(sender)
    events = tracker.get("events", [])[events_before:]
    done = {e["name"] for e in events if e.get("event") == "action"}
    done |= {(e.get("metadata") or {}).get("utter_action") for e in events if e.get("event") == "bot"} - {None}
    reply = "\n".join(r.get("text", "") for r in replies)
    first = next((r["text"] for r in replies if r.get("text")), "").split("\n", 1)[0]
    return Turn(reply, done, (tracker.get("slots") or {}).get("policy_topic"), first), len(tracker.get("events", []))


def judge(expected: dict[str, Any], turn: Turn, state: State, topic_before: str | None) -> str | None:
    """None when the turn is right, else a short description of what happened instead."""
    label = expected["expect"]
    if label == "safety":
        numbers = EMERGENCY_NUMBERS[expected["category"]]
        return None if any(n in turn.first_line for n in numbers) else f"first line: {turn.first_line[:40]}"
    if label == "pending" and expected.get("capability") in LANDED:
        wanted = set(LANDED[expected["capability"]])
        return None if turn.done & wanted else f"did {sorted(turn.done)}"
    if label in SIMPLE:
        return None if turn.done & set(SIMPLE[label]) else f"did {sorted(turn.done)}"
    if label == "policy":
        unit = expected["unit"]
        answered = "action_answer_policy" in turn.done and "utter_policy_unknown" not in turn.done
        if answered and turn.policy_topic == unit and (turn.policy_topic != topic_before or unit == topic_before):
            return None
        return f"policy {turn.policy_topic if answered else 'not answered'}; did {sorted(turn.done)}"
    if label == "handoff":
        return None if turn.done & {"utter_handoff", "utter_handoff_existing"} else f"did {sorted(turn.done)}"
    if label == "phone":
        if "action_ask_human" in turn.done or not PHONE.search(turn.text):
            return f"did {sorted(turn.done)}"
        return _rank_named(expected, turn, state)
    if label == "stations":
        listed = STATION_LINE.findall(turn.text)
        if not listed:
            return f"no station list; did {sorted(turn.done)}"
        header = turn.text.split("\n", 1)[0]
        if expected.get("place") and expected["place"] not in header:
            return f"header: {header}"
        if expected.get("amenity"):
            lines = [line for line in turn.text.splitlines() if line.startswith("设施：")]
            if lines and not all(expected["amenity"] in line for line in lines):
                return f"amenity {expected['amenity']} missing"
        if expected.get("all_day") and "24 小时" not in turn.text:
            return "not 24 hours"
        return None
    if label in ("directions", "station_detail"):
        wanted = "action_station_directions" if label == "directions" else "action_station_detail"
        if wanted not in turn.done:
            return f"did {sorted(turn.done)}"
        return _rank_named(expected, turn, state)
    raise ValueError(f"unknown label {label}")


def _rank_named(expected: dict[str, Any], turn: Turn, state: State) -> str | None:
    rank = expected.get("rank")
    if rank is None:
        return None
    if rank > len(state.stations):
        return f"rank {rank} but {len(state.stations)} listed"
    return None if state.stations[rank - 1] in turn.text else f"not about {state.stations[rank - 1]}"


def evaluate(assistant: Assistant, data: list[dict[str, Any]] | None = None,
             progress: Callable[[int], None] | None = None) -> ConversationReport:
    data = data if data is not None else conversations()
    right_turns = total_turns = right_conversations = 0
    by_pattern: dict[str, list[int]] = {}
    by_label: Counter = Counter()
    label_total: Counter = Counter()
    failures = []
    senders = {}
    for index, conversation in enumerate(data):
        sender = f"eval-{uuid.uuid4().hex[:12]}"
        state, events, topic, ok = State(), 0, None, True
        for expected in conversation["turns"]:
            turn, events = _turn(assistant, sender, expected["user"], events)
            problem = judge(expected, turn, state, topic)
            listed = [name for _, name in STATION_LINE.findall(turn.text)]
            if listed:
                state.stations = state.stations + listed if "action_more_stations" in turn.done else listed
            topic = turn.policy_topic
            total_turns += 1
            label_total[expected["expect"]] += 1
            if problem is None:
                right_turns += 1
                by_label[expected["expect"]] += 1
            else:
                ok = False
                failures.append((conversation["id"], expected["user"], expected["expect"], problem))
        right_conversations += ok
        senders[conversation["id"]] = (sender, ok)
        counts = by_pattern.setdefault(conversation.get("pattern", "mixed"), [0, 0])
        counts[0] += ok
        counts[1] += 1
        if progress:
            progress(index + 1)
    return ConversationReport(
        len(data), total_turns, right_turns / total_turns, right_conversations / len(data),
        {k: (v[0], v[1]) for k, v in sorted(by_pattern.items())},
        {k: (by_label[k], n) for k, n in sorted(label_total.items())}, failures, senders)
