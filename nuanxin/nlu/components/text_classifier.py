"""Rasa's LogisticRegressionClassifier, safe on messages without any token.

Rasa 3.6's classifier raises on an empty or whitespace-only message (scikit-learn gets a 1x0 feature matrix),
which makes the REST channel answer with nothing at all. Such messages get an empty intent here instead, so the
fallback classifier and InputGuard route them to a clear Chinese reply.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        classifiable = [m for m in messages if (m.get(TEXT) or "").strip()]
        for message in messages:
            if message not in classifiable:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if classifiable:
            super().process(classifiable)
        return messages
