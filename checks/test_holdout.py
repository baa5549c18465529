"""The figures measured on public data written by other people (../shared/holdout, evaluation files only), held at
the levels the README reports: real voice-assistant queries are not taken for our services, and real labour-law
questions reach the policy answers or a person."""
from __future__ import annotations

from collections import Counter

from conftest import Parser
from evals import nlu as ev
from evals import policy as policy_eval

# Service intents now include the hand-over, station-detail and emergency intents of issue 10: measured 0.079
# (0.053 counting only the service intents of before, which measured 0.069 then).
MAX_FALSE_ACCEPTANCE = 0.085
# Measured 0.932: 0.977 before safety first, which now gives 22 of the 562 real labour questions (injuries and
# fraud at work told as cases) the emergency numbers first; counted as misses here.
MIN_LABOUR_ROUTING = 0.92


def test_off_topic_queries_are_not_taken_for_services(parser: Parser) -> None:
    parses = [ev.parse_from_result(parser.parse(text)) for text in ev.oos_texts()]
    assert len(parses) >= 700
    assert ev.false_acceptance(parses) <= MAX_FALSE_ACCEPTANCE


def test_labour_law_questions_reach_policy_or_a_person(parser: Parser) -> None:
    counts = Counter(parser.parse(question)["intent"]["name"] for question in policy_eval.labour_questions())
    total = sum(counts.values())
    assert total >= 500
    assert (counts["ask_policy"] + counts["ask_human"]) / total >= MIN_LABOUR_ROUTING, counts.most_common()
