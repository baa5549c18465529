"""Points (通积通兑): the ledger is the balance, nothing is credited twice, redemptions never overspend."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from nuanxin import db, people
from nuanxin.models import PointsEntry, Reward
from nuanxin.points import ledger, rewards


def _credit(db_url: str, sender: str, amount: int, ref: str) -> bool:
    with db.session_scope(db_url) as session:
        person = people.get_or_create(session, "rest", sender)
        return ledger.append(session, person.id, amount, "volunteer_activity", ref) is not None


def test_the_balance_is_the_ledger_and_an_event_counts_once(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert _credit(db_url, "p1", 10, "act-1:p1") and _credit(db_url, "p1", 8, "act-2:p1")
    assert not _credit(db_url, "p1", 10, "act-1:p1")  # the same activity again
    seen = rewards.summary("rest", "p1")
    assert seen.balance == 18
    assert [(line.delta, line.balance_after, line.reason) for line in seen.latest] == [
        (8, 18, "参加志愿服务活动"), (10, 10, "参加志愿服务活动")]


def test_redeem_gives_a_code_once_and_a_counter_uses_it_once(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    _credit(db_url, "p2", 40, "act-1:p2")
    first = rewards.redeem("rest", "p2", "R-WATER", "offer-1")
    again = rewards.redeem("rest", "p2", "R-WATER", "offer-1")  # a double tap
    assert (first.points, first.balance, first.again) == (30, 10, False)
    assert (again.code, again.balance, again.again) == (first.code, 10, True)
    with pytest.raises(rewards.Refused) as refused:
        rewards.redeem("rest", "p2", "R-WATER", "offer-2")
    assert (refused.value.reason, refused.value.reward, refused.value.cost, refused.value.balance) == (
        "not_enough", "矿泉水一箱", 30, 10)
    assert rewards.use_code(first.code.lower(), "暖蜂小筑·青禾店") is not None
    assert rewards.use_code(first.code, "暖蜂小筑·青禾店") is None
    with pytest.raises(rewards.Refused, match="unknown"):
        rewards.redeem("rest", "p2", "R-NOTHING", "offer-3")
    assert rewards.summary("rest", "p2").balance == 10


def test_the_catalogue_lists_every_active_reward_with_its_stock(db_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    offers = rewards.catalogue()
    assert {o.id for o in offers} >= {"R-WATER", "R-HAIRCUT"} and offers[0].cost <= offers[-1].cost
    assert [o.name for o in rewards.matching(offers, "我想换个雨衣")] == ["骑行雨衣"]
    assert rewards.matching(offers, "/redeem_points") == offers
    assert next(o for o in offers if o.id == "R-HAIRCUT").where == "青禾街道"


def test_twenty_concurrent_redemptions_against_a_balance_for_five(db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the requests really race; SQLite serialises writers, and must give the same answer."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    sender = f"racer-{uuid.uuid4().hex[:6]}"
    _credit(db_url, sender, 5 * 15, f"act:{sender}")  # R-MEAL costs 15
    with db.session_scope(db_url) as session:
        stock_before = session.get(Reward, "R-MEAL").stock

    def attempt(i: int) -> str:
        try:
            rewards.redeem("rest", sender, "R-MEAL", f"{sender}-{i}")
            return "ok"
        except rewards.Refused as refused:
            return refused.reason

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes.count("ok") == 5 and outcomes.count("not_enough") == 15
    with db.session_scope(db_url) as session:
        assert session.get(Reward, "R-MEAL").stock == stock_before - 5
        person = people.get_or_create(session, "rest", sender)
        lines = session.execute(select(PointsEntry).where(PointsEntry.person_id == person.id)
                                .order_by(PointsEntry.seq)).scalars().all()
    assert [line.seq for line in lines] == list(range(1, 7)) and lines[-1].balance_after == 0


def test_stock_is_never_negative_under_concurrent_redemptions(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    with db.session_scope(db_url) as session:
        session.get(Reward, "R-CHECKUP").stock = 3
    senders = [f"rich-{i}-{uuid.uuid4().hex[:4]}" for i in range(10)]
    for sender in senders:
        _credit(db_url, sender, 500, f"act:{sender}")

    def attempt(sender: str) -> str:
        try:
            rewards.redeem("rest", sender, "R-CHECKUP", f"{sender}-1")
            return "ok"
        except rewards.Refused as refused:
            return refused.reason

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, senders))
    assert outcomes.count("ok") == 3 and outcomes.count("out_of_stock") == 7
    with db.session_scope(db_url) as session:
        assert session.get(Reward, "R-CHECKUP").stock == 0
    assert sorted(rewards.summary("rest", s).balance for s in senders) == [300] * 3 + [500] * 7
