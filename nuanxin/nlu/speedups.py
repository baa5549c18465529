"""Fixes inside Rasa's code path, applied by our start-up module (`nuanxin.nlu.cli`), never by editing the installed
package.

Rasa 3.6 validates every action server response with `jsonschema.validate(result, schema)`, which checks the
schema itself again and builds a new validator on each call (jsonschema 4.17). Under load that was more than half
of the Rasa process's CPU (a sampling profile at 8 riders; see README "Speed"). The same schema is validated
once here, and the validator built once is reused: the same checks, the same error message.

Rasa also looks up an event's class by walking every subclass of Event, for every event of every tracker it
loads from the tracker store (14 % of the Rasa process in the next profile): the classes are indexed once here,
first match kept as Rasa's loop would find it, and a name not in the index still goes to Rasa's own lookup.

RulePolicy narrows its rules by walking back through every state of the conversation, although a rule that is
shorter than the walk so far matches whatever comes before it: with our 301 rules of at most 3 turns, a 30-turn
conversation cost 9,000 checks per prediction instead of 900, and most of the 301 could never match the last turn
(a quarter of the Rasa process in the profile after the tracker store's fixes). Here only the rules whose last
turn can match are walked, over the last `longest rule` states: the same keys survive.

Rasa works out, for every graph run (each parse and each prediction), which nodes the targets need — a recursive
walk and a new schema — and builds the dask graph again (6 % of the Rasa process); the schema of a loaded model
never changes, so the graph for each set of targets is built once here and copied for each run.

Rasa opens a new HTTP session — a new TCP connection — for every call to the action server. The endpoint keeps one
session (with its connection pool) per event loop here; each call still sends the endpoint's headers.

`NUANXIN_RASA_SPEEDUPS=0` leaves Rasa as it is (bench/webhook_throughput.py compares both).
"""
from __future__ import annotations

import asyncio
import os
from functools import lru_cache
from typing import Any

import aiohttp
import dask
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

ORIGINAL_VALIDATE = RemoteAction._validate_action_result
ORIGINAL_RESOLVE = Event.resolve_by_type
ORIGINAL_POSSIBLE_KEYS = RulePolicy._get_possible_keys
ORIGINAL_SESSION = EndpointConfig.session
ORIGINAL_DASK_RUN = DaskGraphRunner.run


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every response
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
            f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")
        raise error


@lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    found: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        found.setdefault(cls.type_name, cls)
    return found


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _event_classes().get(type_name)
    return cls if cls is not None else ORIGINAL_RESOLVE(type_name, default)


class _RuleIndex:
    """A rule lookup's keys grouped by what the last turn of the rule requires (previous action, user intent), so
    that only the rules that can match the conversation's last turn are walked. A key whose last turn requires
    another action or intent fails Rasa's first check (turn 0) anyway; anything less clear-cut stays a candidate."""

    def __init__(self, policy: RulePolicy, lookup: dict[str, str]) -> None:
        self.lookup = lookup
        rules = {key: policy._rule_key_to_state(key) for key in lookup}
        self.longest = max((len(states) for states in rules.values()), default=0)
        self._needs = {key: (_required(states[-1], PREVIOUS_ACTION, ACTION_NAME), _required(states[-1], USER, INTENT))
                       for key, states in rules.items() if states}
        self._by_turn: dict[tuple[str, str | None], dict[str, str]] = {}

    def candidates(self, state: dict[str, Any]) -> dict[str, str]:
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        if not action:  # a conversation's first turn: Rasa's own rules for starters decide
            return self.lookup
        intent = (state.get(USER) or {}).get(INTENT)
        turn = (action, intent)
        if turn not in self._by_turn:
            self._by_turn[turn] = {key: value for key, value in self.lookup.items()
                                   if key not in self._needs or (self._needs[key][0] in (None, action)
                                                                 and self._needs[key][1] in (None, intent))}
        return self._by_turn[turn]


def _required(state: dict[str, Any], part: str, feature: str) -> str | None:
    value = (state.get(part) or {}).get(feature)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


_INDEXES: dict[int, _RuleIndex] = {}


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[dict]) -> set[str]:
    index = _INDEXES.get(id(lookup))
    if index is None or index.lookup is not lookup:
        index = _INDEXES[id(lookup)] = _RuleIndex(self, lookup)
    if not states or not index.longest:
        return ORIGINAL_POSSIBLE_KEYS(self, lookup, states)
    return ORIGINAL_POSSIBLE_KEYS(self, index.candidates(states[-1]), states[-index.longest:])


def _dask_run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
              targets: list[str] | None = None) -> dict[str, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    built = self.__dict__.setdefault("_nuanxin_graphs", {})
    key = tuple(run_targets)
    if key not in built:
        built[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    run_graph = dict(built[key])
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(dask.get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


class _KeptSession:
    """`async with endpoint.session()` without closing the session at the end."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


def _session(self: EndpointConfig) -> _KeptSession:
    loop = asyncio.get_running_loop()
    kept = getattr(self, "_nuanxin_sessions", None)
    if kept is None:
        kept = self._nuanxin_sessions = {}
    session = kept.get(loop)
    if session is None or session.closed:
        session = kept[loop] = ORIGINAL_SESSION(self)
    return _KeptSession(session)


def _patches() -> list[tuple[type, str, Any, Any]]:
    """(owner, attribute, Rasa's, ours) for every fix above."""
    return [(RemoteAction, "_validate_action_result", ORIGINAL_VALIDATE, _validate_action_result),
            (Event, "resolve_by_type", staticmethod(ORIGINAL_RESOLVE), staticmethod(_resolve_by_type)),
            (RulePolicy, "_get_possible_keys", ORIGINAL_POSSIBLE_KEYS, _get_possible_keys),
            (EndpointConfig, "session", ORIGINAL_SESSION, _session),
            (DaskGraphRunner, "run", ORIGINAL_DASK_RUN, _dask_run)]


def apply() -> bool:
    """Install the fixes unless NUANXIN_RASA_SPEEDUPS=0 (then Rasa's own code is put back); True when in place."""
    ours = os.environ.get("NUANXIN_RASA_SPEEDUPS", "1") != "0"
    for owner, attribute, rasas, fixed in _patches():
        setattr(owner, attribute, fixed if ours else rasas)
    return ours
