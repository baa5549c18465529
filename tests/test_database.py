"""The shared schema, on SQLite and PostgreSQL: migrations, and the constraints that protect money-like values."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from nuanxin import db, migrate, people
from nuanxin.models import Base, CourseSession, OutboxMessage, Person, PointsEntry, Reward


def test_migrations_create_every_model_table(db_url: str) -> None:
    tables = set(inspect(db.engine(db_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_the_migrations_match_the_models(db_url: str) -> None:
    """What Alembic's autogenerate would write next is nothing: the models and the migrations agree."""
    with db.engine(db_url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_downgrade_and_upgrade_round_trip(db_url: str) -> None:
    cfg = migrate.alembic_config(db_url)
    command.downgrade(cfg, "base")
    assert not set(Base.metadata.tables) & set(inspect(db.engine(db_url)).get_table_names())
    command.upgrade(cfg, "head")
    assert set(Base.metadata.tables) <= set(inspect(db.engine(db_url)).get_table_names())


def test_person_is_unique_per_channel(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        a = people.get_or_create(session, "telegram", "42")
        b = people.get_or_create(session, "telegram", "42")
        c = people.get_or_create(session, "rest", "42")
        assert a.id == b.id != c.id
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.add(Person(channel="telegram", external_id="42"))


def test_points_balance_cannot_go_negative_or_be_written_twice_at_once(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        person_id = people.get_or_create(session, "rest", "p").id
        session.add(PointsEntry(person_id=person_id, seq=1, delta=5, balance_after=5, reason="report", ref="r-1"))
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.add(PointsEntry(person_id=person_id, seq=2, delta=-6, balance_after=-1, reason="redeem", ref="x-1"))
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:  # two spends against the same line
        session.add(PointsEntry(person_id=person_id, seq=2, delta=-3, balance_after=2, reason="redeem", ref="x-2"))
        session.add(PointsEntry(person_id=person_id, seq=2, delta=-4, balance_after=1, reason="redeem", ref="x-3"))


def test_the_same_event_is_never_credited_twice(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        person_id = people.get_or_create(session, "rest", "p").id
        session.add(PointsEntry(person_id=person_id, seq=1, delta=5, balance_after=5, reason="report", ref="r-1"))
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.add(PointsEntry(person_id=person_id, seq=2, delta=5, balance_after=10, reason="report", ref="r-1"))


def test_session_cannot_be_overbooked(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        first = session.execute(select(CourseSession).order_by(CourseSession.id)).scalars().first()
        first.seats_taken = first.capacity
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.get(CourseSession, first.id).seats_taken = first.capacity + 1


def test_reward_stock_cannot_go_negative(db_url: str) -> None:
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.execute(select(Reward)).scalars().first().stock = -1


def test_outbox_queues_a_message_once(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        session.add(OutboxMessage(channel="telegram", recipient="1", payload="{}", dedupe_key="report-1-done"))
    with pytest.raises(IntegrityError), db.session_scope(db_url) as session:
        session.add(OutboxMessage(channel="telegram", recipient="1", payload="{}", dedupe_key="report-1-done",
                                  not_before=datetime.now(timezone.utc)))


def test_one_open_hand_over_ticket_per_person(db_url: str) -> None:
    from nuanxin.models import HandoffTicket

    def ticket(status: str) -> HandoffTicket:
        return HandoffTicket(person_id=person_id, sender_id="tg-1", channel="telegram", reason="ask_human",
                             excerpt="", status=status)

    with db.session_scope(db_url) as session:
        person_id = people.get_or_create(session, "telegram", "tg-1").id
        session.add_all([ticket("closed"), ticket("closed"), ticket("open")])
    with pytest.raises(IntegrityError):
        with db.session_scope(db_url) as session:
            session.add(ticket("assigned"))


def test_upgrading_a_database_that_holds_people_and_their_records(db_url: str) -> None:
    """Migrations rebuild tables others point at (SQLite copies and drops them): data must survive."""
    cfg = migrate.alembic_config(db_url)
    command.downgrade(cfg, "0004")
    with db.engine(db_url).begin() as conn:
        conn.exec_driver_sql("INSERT INTO people (id, channel, external_id, points_balance, created_at, last_seen_at)"
                             " VALUES (900, 'rest', 'old-rider', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO consents (person_id, purpose, granted, notice_version, created_at)"
                             " VALUES (900, 'welcome', true, 'v1', '2026-01-01 00:00:00')")
    command.upgrade(cfg, "head")
    with db.session_scope(db_url) as session:
        assert session.get(Person, 900).external_id == "old-rider"
