"""nlu_fallback: tell the user why we could not understand (empty, only emoji, too long, not Chinese)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from nuanxin import fallback


class ActionHandleFallback(Action):
    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        problem = fallback.problem(tracker.latest_message.get("text"))
        if problem is None:
            dispatcher.utter_message(response="utter_default")
        elif problem is fallback.Problem.TOO_LONG:
            dispatcher.utter_message(response="utter_input_too_long", limit=fallback.MAX_CHARS)
        else:
            dispatcher.utter_message(response=f"utter_input_{problem.value}")
        return []
