"""Courses, their dated sessions with seats, and enrollments (seats, waitlist places and offers of a freed seat)."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from nuanxin.models.base import Base, created_column, updated_column


class Course(Base):
    __tablename__ = "courses"
    id = Column(String(16), primary_key=True)
    title = Column(String(64), nullable=False)
    provider = Column(String(64), nullable=False)
    description = Column(Text, nullable=False, default="")
    audience = Column(String(64), nullable=False, default="")
    topics = Column(String(128), nullable=False, default="")  # words a rider filters by, space-separated
    cost = Column(String(64), nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class CourseSession(Base):
    """A dated run of a course. `seats_taken` counts enrolled and offered places and can never exceed `capacity`:
    the database refuses overbooking. Its row is the lock every change of the run's places takes first."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    )
    id = Column(String(24), primary_key=True)
    course_id = Column(ForeignKey("courses.id"), nullable=False, index=True)
    starts_at = Column(DateTime(timezone=True), nullable=False)
    minutes = Column(Integer, nullable=False, default=120)
    location = Column(String(128), nullable=False)
    capacity = Column(Integer, nullable=False)
    seats_taken = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    course = relationship(Course)


class Enrollment(Base):
    """One person's place in one run. `arrival` numbers the run's requests in the order they took the run's lock:
    the waitlist is served in that order. An offered place holds a seat until `offer_expires_at`."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("session_id", "person_id", name="uq_enrollments_session_person"),
                      UniqueConstraint("session_id", "arrival", name="uq_enrollments_session_arrival"))
    id = Column(Integer, primary_key=True)
    session_id = Column(ForeignKey("course_sessions.id"), nullable=False, index=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False)  # enrolled | waitlisted | offered | cancelled | expired
    arrival = Column(Integer, nullable=False)
    name = Column(String(32), nullable=False)
    phone = Column(String(32), nullable=False)
    consent_id = Column(ForeignKey("consents.id"), nullable=False)
    offer_expires_at = Column(DateTime(timezone=True), nullable=True)
    reminded_at = Column(DateTime(timezone=True), nullable=True)
    attended = Column(Boolean, nullable=True)  # marked by staff at the run: came / did not come; None: not marked
    created_at = created_column()
    updated_at = updated_column()
