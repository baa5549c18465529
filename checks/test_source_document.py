"""knowledge/ is faithful to the district's source document: no invented figure, no invented programme."""
from __future__ import annotations

import re

import pytest
import yaml

from evals import sources
from nuanxin import knowledge, settings

# Real nationwide service numbers, not district figures.
NATIONAL_HOTLINES = {"12338", "12345", "12351"}
DISTRICT = knowledge.read_yaml("district.yml")


@pytest.fixture(scope="module")
def seed() -> str:
    return sources.seed_text()


def _scalars(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for child in node.values() for v in _scalars(child)]
    if isinstance(node, list):
        return [v for child in node for v in _scalars(child)]
    return [str(node)]


def test_every_number_in_district_yml_is_in_the_source(seed: str) -> None:
    """No invented statistics: each figure (e.g. 2712, 8300余次, 40余万元) appears in the seed text."""
    numbers = {m for value in _scalars(DISTRICT) for m in re.findall(r"\d+", value)}
    numbers -= {"1"}  # "每月召开1次" and friends; too short to search for meaningfully
    missing = sorted(n for n in numbers if n not in seed)
    assert not missing, f"numbers not in the source document: {missing}"


def test_programme_names_come_from_the_source(seed: str) -> None:
    for programme in DISTRICT["programmes"]:
        assert programme["name"].replace("骑手", "") in seed, programme["name"]
    for item in DISTRICT["seven_noes"]["items"]:
        assert item in seed
    assert len(DISTRICT["seven_noes"]["items"]) == 7


def test_district_policy_units_only_use_numbers_from_the_source(seed: str) -> None:
    units = [unit for path in sorted((settings.KNOWLEDGE_DIR / "policies").glob("*.yml"))
             for unit in yaml.safe_load(path.read_text(encoding="utf-8"))["units"]]
    district = [u for u in units if u["scope"] == "district"]
    assert len(district) >= 30
    for unit in district:
        for number in re.findall(r"\d{2,}", unit["answer"]):
            assert number in seed or number in NATIONAL_HOTLINES, (unit["id"], number)
