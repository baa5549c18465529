"""Rasa's own data validation, and every response reachable from a rule or an action."""
from __future__ import annotations

import re
import subprocess
import sys

import yaml

from nuanxin import knowledge, settings

ROOT = settings.ROOT


def _validate() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nuanxin.nlu.cli", "data", "validate", "--data", "nlu_data", "var/nlu",
         "--domain", "domain", "--config", "config.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def _action_source() -> str:
    """Code that chooses responses by name: the action server, the front ends and the core's own messages (the
    outbox's report updates)."""
    return "\n".join(p.read_text(encoding="utf-8") for folder in ("actions", "bot", "terminal", "nuanxin")
                     for p in (ROOT / folder).rglob("*.py"))


def test_rasa_data_validate_is_clean() -> None:
    """Rasa 3.6 flags responses that only code uses; those are checked against the code instead."""
    result = _validate()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if "UserWarning" in line]
    source = _action_source()
    unexplained = []
    for line in warnings:
        match = re.search(r"The utterance '(utter_[a-z_]+)' is not used in any story or rule", line)
        name = match.group(1) if match else None
        dynamic = name and any(name.startswith(p) for p in (
            "utter_form_resume_", "utter_training_about_",
            "utter_input_", "utter_policy_answer_", "utter_station_", "utter_location_",
            "utter_safety_", "utter_ticket_status_", "utter_terminal_",
                "utter_ask_"))  # utter_ask_<slot>: asked by the form itself
        if not (name and (f'"{name}"' in source or dynamic)):
            unexplained.append(line)
    assert not unexplained, unexplained


def test_every_dynamic_response_exists() -> None:
    """utter_form_resume_<form> and utter_input_<problem> are chosen at run time; each must be in the domain."""
    from nuanxin.fallback import Problem

    responses = {name for path in (ROOT / "domain").glob("*.yml")
                 for name in yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {})}
    from actions.forms import PATIENT_FORMS

    assert {f"utter_form_resume_{form}" for form in PATIENT_FORMS} <= responses
    topics = knowledge.read_yaml("training.yml")["questions"]
    assert {f"utter_training_about_{topic}" for topic in topics} <= responses
    assert {f"utter_input_{p.value}" for p in Problem if p is not Problem.TOO_LONG} <= responses
    assert "utter_input_too_long" in responses
    assert {"utter_policy_answer_district", "utter_policy_answer_national"} <= responses


def test_training_files_have_only_known_sections() -> None:
    """A typo such as `rules:rules:` makes Rasa skip a whole section without a word."""
    for path in (ROOT / "nlu_data").glob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(doc) <= {"version", "nlu", "rules", "stories"}, (path.name, set(doc))


def test_every_intent_a_form_steps_aside_for_has_a_rule_that_returns_to_it() -> None:
    """A form that rejects a message waits silently unless a rule conditioned on it takes the intent."""
    from actions.forms import INTERRUPTIONS, PATIENT_FORMS, RULED

    rules = [rule for path in (ROOT / "nlu_data").glob("*.yml")
             for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []]
    for form in PATIENT_FORMS:
        taken = set()
        for rule in rules:
            if {"active_loop": form} not in (rule.get("condition") or []):
                continue
            for step in rule["steps"]:
                taken |= {step["intent"]} if "intent" in step else {o["intent"] for o in step.get("or", [])}
        assert {*RULED, *INTERRUPTIONS, "deny"} <= taken, (form, {*RULED, *INTERRUPTIONS, "deny"} - taken)
