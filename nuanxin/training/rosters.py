"""Training runs as staff manage them: seats taken and the waitlist per run, each run's roster (masked, in arrival
order) and attendance, marked at the run and audited. Seats themselves change only in
nuanxin.training.enrollment's locked transactions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from nuanxin import db, masking
from nuanxin.console import audit
from nuanxin.models import Course, CourseSession, Enrollment
from nuanxin.db import aware
from nuanxin.training.catalogue import settings
from nuanxin.training.enrollment import Place
from nuanxin.numbering import CHINA_TIME


class UnknownPlace(LookupError):
    """No such place on that run, or one that holds no seat (attendance is for those enrolled)."""


@dataclass(frozen=True)
class RunRow:
    id: str
    title: str
    starts: datetime  # China's time
    location: str
    capacity: int
    seats_taken: int
    waiting: int
    attended: int


@dataclass(frozen=True)
class RosterPlace:
    id: int
    arrival: int
    name: str  # masked
    phone: str  # masked
    state: str  # Chinese
    enrolled: bool
    attended: bool | None


def runs() -> list[RunRow]:
    """Every active run, soonest first."""
    with db.session_scope() as session:
        counts: dict[tuple[str, str], int] = {
            (run_id, status): n for run_id, status, n in session.execute(
                select(Enrollment.session_id, Enrollment.status, func.count()).group_by(
                    Enrollment.session_id, Enrollment.status))}
        came = dict(session.execute(select(Enrollment.session_id, func.count()).where(
            Enrollment.attended.is_(True)).group_by(Enrollment.session_id)).all())
        rows = session.execute(select(CourseSession, Course.title).join(Course, Course.id == CourseSession.course_id)
                               .where(CourseSession.active.is_(True)).order_by(CourseSession.starts_at)).all()
        return [RunRow(run.id, title, aware(run.starts_at).astimezone(CHINA_TIME), run.location, run.capacity,
                       run.seats_taken, counts.get((run.id, Place.WAITLISTED.value), 0), came.get(run.id, 0))
                for run, title in rows]


def roster(run_id: str) -> tuple[RunRow | None, list[RosterPlace]]:
    found = next((run for run in runs() if run.id == run_id), None)
    with db.session_scope() as session:
        places = session.execute(select(Enrollment).where(Enrollment.session_id == run_id)
                                 .order_by(Enrollment.arrival)).scalars().all()
        return found, [RosterPlace(p.id, p.arrival, masking.mask_name(p.name), masking.mask(p.phone),
                              settings()["states"][p.status], p.status == Place.ENROLLED.value, p.attended)
                       for p in places]


def mark_attendance(run_id: str, place_id: int, attended: bool, actor: str) -> None:
    with db.session_scope() as session:
        place = session.execute(select(Enrollment).where(
            Enrollment.id == place_id, Enrollment.session_id == run_id,
            Enrollment.status == Place.ENROLLED.value)).scalar_one_or_none()
        if place is None:
            raise UnknownPlace(f"{run_id}/{place_id}")
        audit.record(session, actor, "mark_attendance", f"training:{run_id}:{place.arrival}",
                     {"attended": place.attended}, {"attended": attended})
        place.attended = attended
