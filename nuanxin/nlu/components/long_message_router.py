"""Pipeline component: a long, formal message that the classifier (trained on short chat messages) reads as a
policy question, something off-topic, a report, nothing, or an emergency is routed among the first four by
nuanxin.nlu.long_messages instead. A long message the classifier reads as something else (a station request
told at length, a request for a person) keeps its intent. It runs after the classifier and before the guards, so
bad input still goes to the fallback and the safety guard still puts emergencies first (the classifier's
emergency intents stay in the ranking for it)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nuanxin import safety
from nuanxin.nlu import long_messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LongMessageRouter(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"refines": ["ask_policy", "out_of_scope", "report_issue", "nlu_fallback"]}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.refines = set(config["refines"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LongMessageRouter":
        long_messages.route("预热")  # train the small router at load time, not on a rider's first long message
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            current = (message.get(INTENT) or {}).get("name")
            # An emergency reading is routed too: the safety guard after us still sees it in the ranking and
            # decides on it; what must not happen is that its veto falls back on the short-message verdict.
            if not long_messages.is_long(text) or not (current in self.refines or
                                                       (current or "").startswith(safety.PREFIX)):
                continue
            intent, confidence = long_messages.route(text)
            routed = {"name": intent, "confidence": confidence}
            # The classifier's verdicts among the topic intents are replaced; the others (emergencies) stay.
            others = [r for r in message.data.get(INTENT_RANKING_KEY, []) if r.get("name") not in self.refines]
            message.data[INTENT] = routed
            message.data[INTENT_RANKING_KEY] = [routed, *others]
        return messages
