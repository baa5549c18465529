"""Reading intent examples from Rasa NLU YAML, with Rasa's own reader so entity markup is stripped exactly as in
training. Used when generating training data (lookups) and by the evaluations."""
from __future__ import annotations

from pathlib import Path


def examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file, with entity markup removed."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(path)
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]
