"""`python -m nuanxin.messaging.action_server -p 5055`: rasa-sdk's action server (actions/) as we run it.

rasa-sdk as shipped accepts any POST to /webhook (a forged tracker could open tickets under anyone's id), listens
on 0.0.0.0, and answers a failing action with a 500 whose body — and log line — holds the whole tracker, phone
numbers included; Rasa then goes on without a reply and the rider hears nothing. Here:

- every call but /health must carry the shared secret (`Authorization: Bearer …`, settings.shared_secret
  ("action")); endpoints.yml makes Rasa send it;
- it listens on SANIC_HOST, 127.0.0.1 unless configured;
- an action that fails answers `utter_action_failed` with the hotline from knowledge/ (the database may be what
  failed); the log names the action and the exception's type and place, never its message or the tracker.
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
from typing import Any

from rasa_sdk import endpoint, utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from nuanxin import failures, settings
from nuanxin.handoff import hotline

log = logging.getLogger(__name__)
_run_action = ActionExecutor.run


async def _run_safely(self: ActionExecutor, action_call: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return await _run_action(self, action_call)
    except (ActionExecutionRejection, ActionNotFoundException):
        raise  # Rasa's own protocol: a form rejecting its turn, an unknown action
    except Exception as exc:  # noqa: BLE001 — every failure must reach the rider as an apology
        log.error("action %s failed: %s", action_call.get("next_action"), failures.summary(exc))
        return {"events": [], "responses": [{"response": "utter_action_failed", **hotline.contact_from_files()}]}


def create_app(package: str = "actions") -> Sanic:
    ActionExecutor.run = _run_safely
    app = endpoint.create_app(package, cors_origins=None)
    secret = settings.shared_secret("action").encode()

    @app.on_request
    async def only_rasa(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = (request.headers.get("authorization") or "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, secret):
            return response.json({"error": "not allowed"}, status=401)
        return None

    async def failed(request: Request, exc: Exception) -> HTTPResponse:
        log.error("request to %s failed: %s", request.path, failures.summary(exc))
        return response.json({"error": type(exc).__name__}, status=getattr(exc, "status_code", 500))

    app.error_handler.add(Exception, failed)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args()
    utils.configure_colored_logging("INFO")
    logging.getLogger("nuanxin").setLevel(logging.INFO)
    app = create_app(args.actions)
    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=utils.number_of_sanic_workers(),
            access_log=False)


if __name__ == "__main__":
    main()
