"""The trained model on the held-out set (make eval prints the full report)."""
from __future__ import annotations

from collections import Counter

from conftest import Assistant
from evals import nlu as ev

MIN_MACRO_F1 = 0.92


def test_heldout_is_independent_of_training_data() -> None:
    held = ev.examples(ev.HELDOUT)
    assert not {t for t, _ in held} & ev.training_texts()
    per_intent = Counter(intent for _, intent in held)
    domain_intents = {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope", "ask_human",
                      "ask_policy", "find_station", "join_union", "enroll_training", "report_issue",
                      "check_report", "check_points", "redeem_points", "inform", "share_location"}
    assert domain_intents <= set(per_intent) and min(per_intent.values()) >= 15


def test_heldout_macro_f1(assistant: Assistant) -> None:
    held = ev.examples(ev.HELDOUT)
    report = ev.heldout_report(lambda text: ev.parse_from_result(assistant.parse(text)), held)
    assert report.macro_f1 >= MIN_MACRO_F1, report.confusions
