"""ask_policy: answer from reviewed knowledge with its source, offer related questions, or admit not knowing."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from nuanxin import responses
from nuanxin.policy import answers
from nuanxin.policy.search import Unit

TOPIC_SLOT = "policy_topic"
# Messages the classifier read as something else reach this action as possible follow-ups of a policy answer;
# unless the topic answers them surely, the topic ends and nlu_data/policy.yml's rules give their own answer.
OTHER_READINGS = {"out_of_scope", "nlu_fallback", "inform"}
STEP_BUTTONS = {"apply_union": "utter_button_apply_union", "enroll_training": "utter_button_enroll_training"}


def _button(unit: Unit) -> dict[str, str]:
    return {"title": unit.title, "payload": '/ask_policy{"policy_unit": "%s"}' % unit.id}


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        unit_id = next(tracker.get_latest_entity_values("policy_unit"), None)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "ask_policy" and text.startswith("/") and not unit_id:  # the menu button: no question yet
            dispatcher.utter_message(response="utter_ask_policy_question")
            return [SlotSet("topic", None), SlotSet("awaiting", None)]
        if intent in OTHER_READINGS:
            result = await asyncio.to_thread(answers.follow_up, text, tracker.get_slot(TOPIC_SLOT))
            if result.unit is None:
                return [SlotSet("topic", None), SlotSet("awaiting", None)]
        else:
            result = await asyncio.to_thread(answers.answer, tracker.sender_id, conversation.channel(tracker), text,
                                             unit_id, tracker.get_slot(TOPIC_SLOT))
        return say(dispatcher, result, next_steps=not (tracker.active_loop or {}).get("name"))


def say(dispatcher: CollectingDispatcher, result: answers.Answer, next_steps: bool = True) -> list[dict[str, Any]]:
    """The answer with its source and related questions, or "not sure" with the hotline; the topic it leaves.
    `next_steps` (申请入会 under "骑手能入会吗") are left out while a form is being filled in."""
    unit = result.unit
    if unit is None:
        # Not sure is not an answer: say so, and offer the closest reviewed questions, if any, to pick from.
        dispatcher.utter_message(response="utter_policy_unknown", **result.contact)
        if result.related:
            dispatcher.utter_message(response="utter_policy_suggest", buttons=[_button(u) for u in result.related])
        return [SlotSet("topic", None), SlotSet("awaiting", None)]  # rules name both (nlu_data/policy.yml)
    # The title says which question is answered, so a rider can tell at once when it is not theirs.
    steps = [{"title": responses.text(STEP_BUTTONS[intent]), "payload": f"/{intent}"}
             for intent in (answers.next_steps(unit.id) if next_steps else ())]
    dispatcher.utter_message(response=f"utter_policy_answer_{unit.scope}", title=unit.title, answer=unit.answer,
                             source=unit.source, buttons=steps + [_button(u) for u in result.related])
    if not result.sure:
        dispatcher.utter_message(response="utter_policy_not_sure")
    return [SlotSet(TOPIC_SLOT, unit.id), SlotSet("topic", "policy"), SlotSet("awaiting", None)]  # a new topic
