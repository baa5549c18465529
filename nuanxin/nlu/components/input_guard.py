"""Pipeline component that routes messages nobody can classify to the NLU fallback.

A classifier always names some intent, even for a 5,000-character paste or a line of emoji; left alone it
would start a flow the user never asked for. This runs after FallbackClassifier and overrides its verdict only
for inputs that `nuanxin.fallback` rejects; the fallback action then explains the problem in Chinese.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nuanxin import fallback


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InputGuard(GraphComponent, IntentClassifier):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InputGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or fallback.problem(text) is None:
                continue
            unreadable = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
            message.data[INTENT] = unreadable
            message.data[INTENT_RANKING_KEY] = [unreadable, *message.data.get(INTENT_RANKING_KEY, [])]
        return messages
