"""Fixes inside Rasa's code path, applied by our start-up module (`nuanxin.nlu.cli`), never by editing the installed
package.

Rasa 3.6 validates every action server response with `jsonschema.validate(result, schema)`, which checks the
schema itself again and builds a new validator on each call (jsonschema 4.17). Under load that was more than half
of the Rasa process's CPU (a sampling profile at 8 riders; see README "Speed"). The same schema is validated
once here, and the validator built once is reused: the same checks, the same error message.

Rasa also looks up an event's class by walking every subclass of Event, for every event of every tracker it
loads from the tracker store (14 % of the Rasa process in the next profile): the classes are indexed once here,
first match kept as Rasa's loop would find it, and a name not in the index still goes to Rasa's own lookup.

`NUANXIN_RASA_SPEEDUPS=0` leaves Rasa as it is (bench/webhook_throughput.py compares both).
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

ORIGINAL_VALIDATE = RemoteAction._validate_action_result
ORIGINAL_RESOLVE = Event.resolve_by_type


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


def apply() -> bool:
    """Install the fixes unless NUANXIN_RASA_SPEEDUPS=0; True when they are in place."""
    if os.environ.get("NUANXIN_RASA_SPEEDUPS", "1") == "0":
        RemoteAction._validate_action_result = ORIGINAL_VALIDATE
        Event.resolve_by_type = staticmethod(ORIGINAL_RESOLVE)
        return False
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    return True
