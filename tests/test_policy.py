"""Policy knowledge (knowledge/policies) and its retrieval core; the conversation part lands with issue 4."""
from __future__ import annotations

import re

import yaml
from sqlalchemy import func, select

from nuanxin import db, policy_search, settings
from nuanxin.models import PolicyUnit

FOLDER = settings.KNOWLEDGE_DIR / "policies"
NATIONAL_HOTLINES = {"12338", "12345", "12351"}  # real nationwide service numbers, not district figures
SEED = "".join(p.read_text(encoding="utf-8") for p in (settings.ROOT.parent / "shared" / "seed").glob("*.txt"))


def _raw_units() -> list[dict]:
    return [u for path in sorted(FOLDER.glob("*.yml")) for u in yaml.safe_load(path.read_text(encoding="utf-8"))["units"]]


def test_units_are_complete_and_short() -> None:
    units = _raw_units()
    assert len(units) >= 150 and len({u["id"] for u in units}) == len(units)
    for unit in units:
        assert {"id", "title", "answer", "source", "effective_date", "scope", "tags"} <= set(unit), unit["id"]
        assert unit["scope"] in ("district", "national") and len(unit["answer"]) <= 300, unit["id"]


def test_district_units_only_use_numbers_from_the_source() -> None:
    for unit in _raw_units():
        if unit["scope"] == "district":
            for number in re.findall(r"\d{2,}", unit["answer"]):
                assert number in SEED or number in NATIONAL_HOTLINES, (unit["id"], number)


def test_units_are_loaded_into_the_database(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        count = session.execute(select(func.count()).select_from(PolicyUnit).where(PolicyUnit.active)).scalar_one()
        index = policy_search.PolicyIndex(policy_search.units_from_db(session))
    assert count == len(_raw_units()) == len(index.units)


def test_seven_noes_question_finds_the_seven_noes(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        index = policy_search.PolicyIndex(policy_search.units_from_db(session))
    hits = index.search("骑手七不公约是哪七条")
    assert hits[0].unit.id == "D-SEVEN-NOES"
    assert all(item in hits[0].unit.answer for item in
               ["不逆向行驶", "不乱骑行", "不闯红灯", "不乱停车", "不随意超车", "不分心驾驶", "不飞线充电"])


def test_synonyms_fold_colloquial_words() -> None:
    assert policy_search.words("送外卖的出车祸算工伤吗") == policy_search.words("骑手交通事故算职业伤害吗")
