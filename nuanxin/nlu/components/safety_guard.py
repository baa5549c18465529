"""Pipeline component that puts safety first. The classifier knows the emergencies as one intent per kind
(emergency_injury, emergency_fire...; nlu_data/safety.yml); this guard, last in the pipeline, makes sure that nothing
routes an emergency elsewhere:

- a message that the reviewed expressions of knowledge/safety.yml (nuanxin.safety) recognise becomes that kind's
  intent, whatever the classifier or the other guards said;
- an emergency intent the classifier ranks at `min_confidence` or more wins over any other intent (a false alarm
  costs a rider one unneeded line of emergency numbers, a missed emergency costs far more), unless the message has
  no word of danger at all or only talks about that kind of emergency (a question on the rules, a past event, a
  joke: the same reviewed expressions), in which case the classifier's emergency intents are set aside and the
  best other intent stands.
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

from nuanxin import safety

PREFIX = safety.PREFIX


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGuard(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # fallback_threshold: FallbackClassifier's; an intent left in charge below it is not understood
        return {"min_confidence": 0.3, "fallback_threshold": 0.3}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.min_confidence = float(config["min_confidence"])
        self.fallback_threshold = float(config["fallback_threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyGuard":
        safety.detector()  # read knowledge/safety.yml at load time, not on a rider's first message
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            ranking = message.data.get(INTENT_RANKING_KEY, [])
            category = safety.assess(text)
            if category is not None:
                verdict = {"name": PREFIX + category, "confidence": 1.0}
            else:
                cue = safety.has_cue(text)
                kept = [r for r in ranking if not (r.get("name", "").startswith(PREFIX) and (
                    not cue or safety.only_talk(r["name"][len(PREFIX):], text)))]
                # What the classifier gave the readings set aside goes to the others in proportion: "not an
                # emergency" must not leave a policy question below the fallback threshold.
                removed = sum(r.get("confidence", 0.0) for r in ranking if r not in kept)
                scale = 1 / (1 - removed) if 0 < removed < 1 else 1.0
                ranking = [{**r, "confidence": min(1.0, r.get("confidence", 0.0) * scale)} for r in kept]
                verdict = next((r for r in ranking if r.get("name", "").startswith(PREFIX)
                                and r.get("confidence", 0.0) >= self.min_confidence), None)
                if verdict is None:
                    if message.data.get(INTENT, {}).get("name", "").startswith(PREFIX):  # vetoed: the next best
                        best = ranking[0] if ranking else {"name": None, "confidence": 0.0}
                        if best.get("confidence", 0.0) < self.fallback_threshold:
                            best = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1 - best["confidence"]}
                            ranking = [best, *ranking]
                        message.data[INTENT] = best
                        message.data[INTENT_RANKING_KEY] = ranking
                    continue
            message.data[INTENT] = verdict
            message.data[INTENT_RANKING_KEY] = [verdict, *[r for r in ranking if r.get("name") != verdict["name"]]]
        return messages
