"""What Rasa does when a part behind it fails, changed by our start-up module (`nuanxin.nlu.cli`), never by editing
the installed package.

Rasa 3.6 logs a failed call to the action server (down, timing out, answering 5xx) and goes on as if the action had
done nothing: the rider hears nothing at all. Here the action's turn says `utter_action_failed` instead — an
apology that nothing was changed, with the hotline read from knowledge/ (the database may be what failed). A form
rejecting its turn (ActionExecutionRejection) is Rasa's own protocol and passes through. Nothing is retried: a
message that failed is not run again when the action server is back.

Rasa wraps the tracker store in a "fail-safe" that, when the database does not answer, starts the rider afresh
from an empty memory and keeps what follows in that process's memory only: a form half filled is forgotten, the
answers given meanwhile are lost at the next restart, and the rider is greeted as a stranger. Here the failure
reaches our door instead (nuanxin.messaging.channels), which answers with the hotline; the message is not
recorded, and the rider carries on where they were once the database is back.

While a member of staff has taken a conversation (nuanxin.handoff.takeover) Rasa's conversation is paused and the
assistant answers nothing — except an emergency: safety comes first, so an `emergency_*` message is still answered
with the emergency numbers (and the staff member sees it in the conversation).
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import Event

from nuanxin import failures
from nuanxin.handoff import hotline

log = logging.getLogger(__name__)
ORIGINAL_RUN = RemoteAction.run
ORIGINAL_SHOULD_HANDLE = MessageProcessor._should_handle_message
EMERGENCY_PREFIX = "emergency_"


async def _run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
    try:
        return await ORIGINAL_RUN(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as exc:  # noqa: BLE001 — every failure must reach the rider as an apology
        log.error("custom action %s could not run: %s", self.name(), failures.summary(exc))
        draft = await nlg.generate("utter_action_failed", tracker, output_channel.name(),
                                   **hotline.contact_from_files())
        return [create_bot_utterance(draft)] if draft else []


async def _retrieve(self: FailSafeTrackerStore, sender_id: str) -> Any:
    return await self._tracker_store.retrieve(sender_id)


async def _save(self: FailSafeTrackerStore, tracker: Any) -> None:
    await self._tracker_store.save(tracker)


def _should_handle_message(tracker: Any) -> bool:
    if ORIGINAL_SHOULD_HANDLE(tracker):
        return True
    latest = tracker.latest_message
    return bool(latest and (latest.intent.get("name") or "").startswith(EMERGENCY_PREFIX))


def apply() -> None:
    MessageProcessor._should_handle_message = staticmethod(_should_handle_message)
    RemoteAction.run = _run
    FailSafeTrackerStore.retrieve = _retrieve
    FailSafeTrackerStore.save = _save
