"""Courses, their dated sessions with seats, and enrollments."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from nuanxin.models.base import Base, created_column


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
    created_at = created_column()
