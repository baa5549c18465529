"""Fixes inside Rasa's code path, applied by our start-up module (`nuanxin.nlu.cli`), never by editing the installed
package.

Rasa 3.6 validates every action server response with `jsonschema.validate(result, schema)`, which checks the
schema itself again and builds a new validator on each call (jsonschema 4.17). Under load that was more than half
of the Rasa process's CPU (a sampling profile at 8 riders; see README "Speed"). The same schema is validated
once here, and the validator built once is reused: the same checks, the same error message.

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

ORIGINAL_VALIDATE = RemoteAction._validate_action_result


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


def apply() -> bool:
    """Install the fixes unless NUANXIN_RASA_SPEEDUPS=0; True when they are in place."""
    if os.environ.get("NUANXIN_RASA_SPEEDUPS", "1") == "0":
        RemoteAction._validate_action_result = ORIGINAL_VALIDATE
        return False
    RemoteAction._validate_action_result = _validate_action_result
    return True
