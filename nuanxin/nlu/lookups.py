"""Generate Rasa training data from knowledge/, so names and questions live in one reviewed place: lookup tables,
entity synonyms, and the policy units' titles as `ask_policy` examples.

Only titles: adding every way-of-asking as well outweighed the long, narrative questions in nlu_data/policy.yml
and sent real labour-law questions off-topic (routing fell from 0.94 to 0.81); titles alone raise it to 0.98.

The output goes to var/nlu/ and is passed to `rasa train` next to nlu_data/.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from nuanxin import knowledge, settings
from nuanxin.nlu.examples import examples


def _synonym_block(mapping: dict[str, list[str]]) -> list[dict[str, str]]:
    return [
        {"synonym": canonical, "examples": "".join(f"- {s}\n" for s in synonyms)}
        for canonical, synonyms in mapping.items()
        if synonyms
    ]


def _lookup(name: str, values: list[str]) -> dict[str, str]:
    return {"lookup": name, "examples": "".join(f"- {v}\n" for v in sorted(set(values)))}


def _examples_of_other_intents() -> set[str]:
    return {text for path in (settings.ROOT / "nlu_data").glob("*.yml") for text, intent in examples(path)
            if intent != "ask_policy"}


def document(directory: Path | None = None) -> dict:
    directory = directory or settings.KNOWLEDGE_DIR
    platforms = knowledge.read_yaml("platforms.yml", directory)["platforms"]
    amenities = knowledge.read_yaml("amenities.yml", directory)["amenities"]
    streets = [row["name"] for row in knowledge.read_csv("streets.csv", directory)]
    # A title that is already an example of another intent (怎么加入工会 is join_union) stays with that intent.
    titles = sorted({row["title"] for row in knowledge.policy_rows(directory)} - _examples_of_other_intents())
    return {
        "version": "3.1",
        "nlu": [
            {"intent": "ask_policy", "examples": "".join(f"- {title}\n" for title in titles)},
            _lookup("platform", [w for c, syn in platforms.items() for w in (c, *syn)]),
            _lookup("amenity", [w for c, syn in amenities.items() for w in (c, *syn)]),
            _lookup("street", streets),
            *_synonym_block(platforms),
            *_synonym_block(amenities),
        ],
    }


def write(target_dir: Path, directory: Path | None = None) -> Path:
    """Rewrite only on change, so an unchanged file never looks like new training data."""
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / "lookups.yml"
    content = "# Generated from knowledge/ by nuanxin.nlu.lookups; do not edit.\n" + yaml.safe_dump(
        document(directory), allow_unicode=True, sort_keys=False, width=1000
    )
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path
