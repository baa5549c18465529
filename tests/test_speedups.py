"""The fixes inside Rasa's code path do exactly what Rasa does: action responses validated by a validator built
once, event classes found by name from an index."""
from __future__ import annotations

import asyncio
import json
import random
import tarfile

import pytest
from jsonschema import ValidationError
from rasa.utils.endpoints import EndpointConfig
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from harness.assistant import MODEL
from nuanxin.nlu import speedups

GOOD = {"events": [{"event": "slot", "name": "topic", "value": None}],
        "responses": [{"text": "您好", "buttons": [{"title": "好", "payload": "/affirm"}]}]}
BAD = [{"events": "not a list"}, {"events": [{"no": "event name"}]}, {"responses": "not a list"}]


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", speedups.ORIGINAL_VALIDATE)
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(speedups.ORIGINAL_RESOLVE))
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", speedups.ORIGINAL_POSSIBLE_KEYS)
    monkeypatch.setattr(DaskGraphRunner, "run", speedups.ORIGINAL_DASK_RUN)
    monkeypatch.setattr(EndpointConfig, "session", speedups.ORIGINAL_SESSION)
    monkeypatch.delenv("NUANXIN_RASA_SPEEDUPS", raising=False)
    assert speedups.apply()
    return RemoteAction("action_x", None)


def test_the_patched_validation_accepts_what_rasa_accepts(patched: RemoteAction) -> None:
    original = speedups.ORIGINAL_VALIDATE(patched, GOOD)
    assert original is True and patched._validate_action_result(GOOD) is True


@pytest.mark.parametrize("response", BAD)
def test_the_patched_validation_refuses_what_rasa_refuses_with_its_message(patched: RemoteAction,
                                                                          response: dict) -> None:
    with pytest.raises(ValidationError) as original:
        speedups.ORIGINAL_VALIDATE(patched, response)
    with pytest.raises(ValidationError) as ours:
        patched._validate_action_result(response)
    assert ours.value.message == original.value.message and "Failed to validate Action server" in ours.value.message


def test_event_classes_are_found_as_rasa_finds_them(patched: RemoteAction) -> None:
    names = {cls.type_name for cls in all_subclasses(Event)} | {"topic"}
    for name in names:
        assert Event.resolve_by_type(name) is speedups.ORIGINAL_RESOLVE(name), name
    assert Event.resolve_by_type("no such event", default=Event) is Event
    with pytest.raises(ValueError):
        Event.resolve_by_type("no such event")


def test_it_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", speedups.ORIGINAL_VALIDATE)
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(speedups.ORIGINAL_RESOLVE))
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", speedups.ORIGINAL_POSSIBLE_KEYS)
    monkeypatch.setattr(DaskGraphRunner, "run", speedups.ORIGINAL_DASK_RUN)
    monkeypatch.setattr(EndpointConfig, "session", speedups.ORIGINAL_SESSION)
    monkeypatch.setenv("NUANXIN_RASA_SPEEDUPS", "0")
    assert not speedups.apply() and RemoteAction._validate_action_result is speedups.ORIGINAL_VALIDATE
    assert Event.resolve_by_type is speedups.ORIGINAL_RESOLVE


def _trained_rules() -> dict[str, str]:
    with tarfile.open(MODEL) as model:
        member = next(m for m in model.getmembers() if m.name.endswith("rule_policy.json"))
        return json.load(model.extractfile(member))["lookup"]["rules"]


def test_rules_are_narrowed_as_rasa_narrows_them(patched: RemoteAction) -> None:
    """Conversations made of the trained rules' own states, ending as a rule does or anyhow."""
    lookup = _trained_rules()
    policy = RulePolicy.__new__(RulePolicy)  # only the methods that read rule keys are used
    rules = [json.loads(key) for key in lookup]
    pool = [state for rule in rules for state in rule]
    rng = random.Random(13)
    matched = 0
    for case in range(400):
        states = [rng.choice(pool) for _ in range(rng.randint(0, 25))]
        if case % 2:
            states += rng.choice(rules)
        ours = policy._get_possible_keys(lookup, states)
        assert ours == speedups.ORIGINAL_POSSIBLE_KEYS(policy, lookup, states)
        matched += bool(ours)
    assert matched >= 200  # every conversation ending as a rule keeps at least that rule


def test_graph_runs_give_what_rasa_gives(patched: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trained model's NLU graph, run with the graph built once and as Rasa builds it every time."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    processor = Agent.load(str(MODEL)).processor
    for text in ("附近有驿站吗", "我想加入工会", "转人工", "/affirm"):
        message = UserMessage(text, message_id="m1")
        ours = [asyncio.run(processor.parse_message(message)) for _ in range(2)]
        monkeypatch.setattr(DaskGraphRunner, "run", speedups.ORIGINAL_DASK_RUN)
        theirs = asyncio.run(processor.parse_message(message))
        monkeypatch.setattr(DaskGraphRunner, "run", speedups._dask_run)
        assert ours[0] == ours[1] == theirs, text
