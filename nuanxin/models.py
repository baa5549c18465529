"""The shared schema: one database that the action server, the messaging bot and the staff console all use.

Tables fed from `knowledge/` carry an `active` flag instead of being deleted, so that rows people already point
at (enrollments, reports, redemptions) never lose their target when the reviewed data changes.
Money-like quantities (points, seats, stock) carry CHECK constraints: the database itself refuses a negative
balance or an overbooked session, whatever code path tries.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _updated() -> Column:
    return Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


def _created() -> Column:
    return Column(DateTime(timezone=True), nullable=False, default=utcnow)


# --- people -----------------------------------------------------------------------------------------------


class Person(Base):
    """Someone who talks to the assistant, identified per channel (a Telegram user, a REST sender...)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_people_channel_external_id"),
        CheckConstraint("points_balance >= 0", name="points_not_negative"),
    )
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(128), nullable=False)
    display_name = Column(String(64))
    phone = Column(String(32))
    points_balance = Column(Integer, nullable=False, default=0)
    created_at = _created()
    last_seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Consent(Base):
    """A person's answer to a notice, kept with its purpose and time as evidence of consent (or its withdrawal)."""

    __tablename__ = "consents"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    purpose = Column(String(32), nullable=False)
    granted = Column(Boolean, nullable=False)
    notice_version = Column(String(16), nullable=False)
    created_at = _created()


# --- district geography and service network (from knowledge/) -------------------------------------------


class Street(Base):
    """One of the district's 8 towns / sub-districts (镇/街道)."""

    __tablename__ = "streets"
    id = Column(String(8), primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    kind = Column(String(8), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class Community(Base):
    """A city community with its Party-and-people service centre (党群服务中心)."""

    __tablename__ = "communities"
    id = Column(String(8), primary_key=True)
    street_id = Column(ForeignKey("streets.id"), nullable=False, index=True)
    name = Column(String(32), nullable=False)
    service_centre = Column(String(64), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class GridStation(Base):
    """A grid red station (网格红色驿站): the smallest unit of community grid governance."""

    __tablename__ = "grid_stations"
    id = Column(String(8), primary_key=True)
    community_id = Column(ForeignKey("communities.id"), nullable=False, index=True)
    name = Column(String(64), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class Station(Base):
    """A service station for gig workers (暖蜂小筑, 小哥驿站...). Coordinates are WGS-84."""

    __tablename__ = "stations"
    id = Column(String(8), primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)
    street_id = Column(ForeignKey("streets.id"), nullable=False, index=True)
    community_id = Column(ForeignKey("communities.id"), index=True)
    address = Column(String(128), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    amenities = Column(String(256), nullable=False, default="")
    hours = Column(String(32), nullable=False)
    phone = Column(String(32))
    active = Column(Boolean, nullable=False, default=True)


class ServiceContact(Base):
    """A phone line people can be sent to (the district's service hotline, the citywide 12345...)."""

    __tablename__ = "service_contacts"
    id = Column(String(32), primary_key=True)
    name = Column(String(64), nullable=False)
    phone = Column(String(32), nullable=False)
    hours = Column(String(64), nullable=False)
    note = Column(Text)
    active = Column(Boolean, nullable=False, default=True)


# --- policy knowledge ---------------------------------------------------------------------------------------


class PolicyUnit(Base):
    """One reviewed question–answer unit, always with its source so staff can trust and check it."""

    __tablename__ = "policy_units"
    id = Column(String(32), primary_key=True)
    title = Column(String(128), nullable=False)
    answer = Column(Text, nullable=False)
    source = Column(String(256), nullable=False)
    effective_date = Column(Date)
    scope = Column(String(16), nullable=False)  # district | national
    tags = Column(String(256), nullable=False, default="")
    questions = Column(Text, nullable=False, default="", server_default="")  # other ways people ask it, one per line
    active = Column(Boolean, nullable=False, default=True)


class UnansweredQuestion(Base):
    """A policy question the knowledge could not answer, or answered only with its closest match (best_confidence
    below policy_search.SURE_CONFIDENCE): work for the staff who review knowledge/."""

    __tablename__ = "unanswered_questions"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False)
    channel = Column(String(32), nullable=False)
    question = Column(Text, nullable=False)  # masked
    best_unit_id = Column(String(32))
    best_confidence = Column(Float)
    status = Column(String(16), nullable=False, default="open")
    created_at = _created()


# --- union ----------------------------------------------------------------------------------------------------


class UnionGroup(Base):
    """A union group or mass organisation a worker can join (快递外卖行业工会小组, 青工委, 妇联...)."""

    __tablename__ = "union_groups"
    id = Column(String(16), primary_key=True)
    name = Column(String(64), nullable=False)
    industry = Column(String(32), nullable=False)
    street_id = Column(ForeignKey("streets.id"), index=True)
    description = Column(Text, nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class UnionApplication(Base):
    __tablename__ = "union_applications"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    union_group_id = Column(ForeignKey("union_groups.id"), nullable=False)
    platform = Column(String(32))
    status = Column(String(16), nullable=False, default="submitted")
    created_at = _created()
    updated_at = _updated()


# --- training -------------------------------------------------------------------------------------------------


class Course(Base):
    __tablename__ = "courses"
    id = Column(String(16), primary_key=True)
    title = Column(String(64), nullable=False)
    provider = Column(String(64), nullable=False)
    description = Column(Text, nullable=False, default="")
    audience = Column(String(64), nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class CourseSession(Base):
    """A dated run of a course. `seats_taken` can never exceed `capacity`: the database refuses overbooking."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    )
    id = Column(String(24), primary_key=True)
    course_id = Column(ForeignKey("courses.id"), nullable=False, index=True)
    starts_at = Column(DateTime(timezone=True), nullable=False)
    location = Column(String(128), nullable=False)
    capacity = Column(Integer, nullable=False)
    seats_taken = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    course = relationship(Course)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("session_id", "person_id", name="uq_enrollments_session_person"),)
    id = Column(Integer, primary_key=True)
    session_id = Column(ForeignKey("course_sessions.id"), nullable=False, index=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False)  # enrolled | waitlisted | cancelled
    created_at = _created()


# --- city-sentinel reports ----------------------------------------------------------------------------------------


class ReportCategory(Base):
    __tablename__ = "report_categories"
    id = Column(String(16), primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    points = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)


class Report(Base):
    """A neighbourhood problem reported by a city sentinel (城市哨兵). Coordinates are WGS-84."""

    __tablename__ = "reports"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    category_id = Column(ForeignKey("report_categories.id"), nullable=False)
    text = Column(Text, nullable=False)
    lat = Column(Float)
    lon = Column(Float)
    location_text = Column(String(128))
    photo_path = Column(String(256))
    status = Column(String(16), nullable=False, default="submitted")
    created_at = _created()


class ReportStatus(Base):
    """Every status a report has been through, so a reporter and staff see the same history."""

    __tablename__ = "report_status_history"
    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    note = Column(Text)
    actor = Column(String(64), nullable=False)
    created_at = _created()


# --- points (通积通兑) -----------------------------------------------------------------------------------------------


class PointsEntry(Base):
    """An append-only ledger line; (reason, ref) is unique so the same event can never be credited twice."""

    __tablename__ = "points_ledger"
    __table_args__ = (UniqueConstraint("reason", "ref", name="uq_points_ledger_reason_ref"),)
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    delta = Column(Integer, nullable=False)
    balance_after = Column(Integer, nullable=False)
    reason = Column(String(32), nullable=False)
    ref = Column(String(64), nullable=False)
    created_at = _created()


class Reward(Base):
    """A good or service in the points catalogue; `street_id` empty means redeemable district-wide."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("points_cost > 0", name="cost_positive"),
    )
    id = Column(String(16), primary_key=True)
    name = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)  # goods | service
    points_cost = Column(Integer, nullable=False)
    stock = Column(Integer, nullable=False, default=0)
    street_id = Column(ForeignKey("streets.id"))
    description = Column(Text, nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class Redemption(Base):
    __tablename__ = "redemptions"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    reward_id = Column(ForeignKey("rewards.id"), nullable=False)
    points = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default="reserved")
    created_at = _created()


# --- hotline staff and outgoing messages -------------------------------------------------------------------------------


class HandoffTicket(Base):
    """A request for a human, with a masked excerpt of the conversation so staff can pick it up without asking again."""

    __tablename__ = "handoff_tickets"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False)
    channel = Column(String(32), nullable=False)
    reason = Column(String(32), nullable=False)
    excerpt = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    assigned_to = Column(String(64))
    created_at = _created()
    updated_at = _updated()


class OutboxMessage(Base):
    """A message the system sends on its own; `dedupe_key` is unique so a message is queued at most once."""

    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    payload = Column(Text, nullable=False)  # JSON
    dedupe_key = Column(String(128), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default="pending")  # pending | sent | failed
    attempts = Column(Integer, nullable=False, default=0)
    not_before = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True))
    created_at = _created()


class InboundMessage(Base):
    """Every message a front end received, before it reaches Rasa.

    (channel, update_id) is unique, so an update the messaging platform delivers twice is handled once; a message
    Rasa could not take stays here as `failed` and is relayed again when Rasa is back, so nothing is lost.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "update_id", name="uq_inbound_messages_channel_update_id"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    update_id = Column(BigInteger, nullable=False)
    chat_id = Column(String(64), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False)
    text = Column(Text, nullable=False)
    metadata_json = Column(Text, nullable=False, default="{}")
    status = Column(String(16), nullable=False, default="received")  # received | relayed | failed | expired
    attempts = Column(Integer, nullable=False, default=0)
    created_at = _created()
    updated_at = _updated()
