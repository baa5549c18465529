"""Seats, the waitlist and freed seats, under one rule: every change to a run's places first locks the run's row
(PostgreSQL: SELECT … FOR UPDATE; SQLite, which has no row locks: a write to the row takes the database's write
lock at once, before anything is read).

So requests are served one at a time per run, in the order they took the lock (`arrival`): a seat while
`seats_taken < capacity` (a CHECK constraint refuses more), else a waitlist place. A freed seat is not returned to
the pool while anyone waits: it is offered to the first waiting, held for `offer_hours` (never past the start),
and passes on when they decline or the offer expires. `seats_taken` counts enrolled and offered places, so a seat
is never both. Once a run has started nothing changes any more: no offers, no cancels, no answers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import Enum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db, masking, people, responses
from nuanxin.messaging import outbox
from nuanxin.messaging.contract import chat_of
from nuanxin.models import Consent, Course, CourseSession, Enrollment, Person
from nuanxin.numbering import CHINA_TIME
from nuanxin.people import valid_name, valid_phone
from nuanxin.db import aware
from nuanxin.training.catalogue import settings, when

__all__ = ["valid_name", "valid_phone", "Place", "Booked", "enroll", "mine", "cancel", "answer_offer",
           "expire_offers", "send_reminders", "tick", "roster"]
ATTEMPTS = 3  # a first message from a new person can race its own retry on creating the person (or the place)


class Place(str, Enum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


LIVE = (Place.ENROLLED.value, Place.WAITLISTED.value, Place.OFFERED.value)
HOLDS_SEAT = (Place.ENROLLED.value, Place.OFFERED.value)


@dataclass(frozen=True)
class Booked:
    """A place as the rider sees it."""

    run_id: str
    title: str
    when: str
    location: str
    status: str  # a Place value
    status_name: str
    waiting: int  # 1-based place in the waitlist (0 unless waitlisted)
    existing: bool  # enroll found the place the rider already had: nothing new was stored
    name: str  # masked
    phone: str  # masked
    offer_until: str  # "12月5日 周六 14:00" while a seat is offered


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _locked_run(session: Session, run_id: str) -> CourseSession | None:
    if session.get_bind().dialect.name == "sqlite":  # no FOR UPDATE: a no-op write takes the write lock now
        session.execute(update(CourseSession).where(CourseSession.id == run_id)
                        .values(seats_taken=CourseSession.seats_taken))
    return session.execute(select(CourseSession).where(CourseSession.id == run_id).with_for_update()
                           ).scalar_one_or_none()


def _started(run: CourseSession, now: datetime) -> bool:
    return aware(run.starts_at) <= now


def _waiting(session: Session, place: Enrollment) -> int:
    if place.status != Place.WAITLISTED.value:
        return 0
    return 1 + session.execute(select(func.count()).select_from(Enrollment).where(
        Enrollment.session_id == place.session_id, Enrollment.status == Place.WAITLISTED.value,
        Enrollment.arrival < place.arrival)).scalar_one()


def _booked(session: Session, place: Enrollment, existing: bool) -> Booked:
    run = session.get(CourseSession, place.session_id)
    course = session.get(Course, run.course_id)
    return Booked(run.id, course.title, when(run.starts_at), run.location, place.status,
                  settings()["states"][place.status], _waiting(session, place), existing,
                  masking.mask_name(place.name), masking.mask(place.phone),
                  when(place.offer_expires_at) if place.status == Place.OFFERED.value else "")


def _tell(session: Session, person_id: int, text: str, dedupe_key: str, buttons: list[dict[str, str]] | None = None
          ) -> None:
    person = session.get(Person, person_id)
    payload: dict = {"text": text}
    if buttons:
        payload["buttons"] = buttons
    outbox.enqueue(session, person.channel, chat_of(person.channel, person.external_id), payload, dedupe_key)


def _free_seat(session: Session, run: CourseSession, now: datetime) -> None:
    """A held seat came free (the run's row is locked): offer it to the first waiting, else (or once the run has
    started) release it."""
    first = None if _started(run, now) else session.execute(select(Enrollment).where(
        Enrollment.session_id == run.id, Enrollment.status == Place.WAITLISTED.value)
        .order_by(Enrollment.arrival).limit(1)).scalar_one_or_none()
    if first is None:
        run.seats_taken = CourseSession.seats_taken - 1
        return
    first.status = Place.OFFERED.value
    first.offer_expires_at = min(now + timedelta(hours=int(settings()["offer_hours"])), aware(run.starts_at))
    course = session.get(Course, run.course_id)
    arguments = json.dumps({"training_session": run.id})
    _tell(session, first.person_id,
          responses.text("utter_training_offer", title=course.title, when=when(run.starts_at),
                         location=run.location, until=when(first.offer_expires_at)),
          f"training-offer:{first.id}:{first.arrival}",
          [{"title": responses.text("utter_button_training_accept"), "payload": "/accept_training_offer" + arguments},
           {"title": responses.text("utter_button_training_decline"),
            "payload": "/decline_training_offer" + arguments}])


def _enroll(channel: str, sender_id: str, run_id: str, name: str, phone: str, now: datetime) -> Booked | None:
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        run = _locked_run(session, run_id)
        if run is None or not run.active or _started(run, now):
            return None
        held = session.execute(select(Enrollment).join(CourseSession).where(
            Enrollment.person_id == person.id, CourseSession.course_id == run.course_id,
            CourseSession.starts_at > now, Enrollment.status.in_(LIVE))).scalars().first()
        if held is not None:  # a retried request, or another run of the same course: one place per course
            return _booked(session, held, existing=True)
        agreed = Consent(person_id=person.id, purpose="training_enrollment", granted=True,
                         notice_version=settings()["notice_version"])
        session.add(agreed)
        session.flush()
        arrival = 1 + (session.execute(select(func.max(Enrollment.arrival)).where(
            Enrollment.session_id == run.id)).scalar() or 0)
        seat = run.seats_taken < run.capacity
        status = Place.ENROLLED.value if seat else Place.WAITLISTED.value
        place = session.execute(select(Enrollment).where(
            Enrollment.session_id == run.id, Enrollment.person_id == person.id)).scalar_one_or_none()
        if place is None:  # a cancelled place is reused: the person comes back at the end of the queue
            place = Enrollment(session_id=run.id, person_id=person.id)
            session.add(place)
        place.status, place.arrival, place.name, place.phone = status, arrival, name, phone
        place.consent_id, place.offer_expires_at, place.reminded_at = agreed.id, None, None
        if seat:
            run.seats_taken = CourseSession.seats_taken + 1
        session.flush()
        return _booked(session, place, existing=False)


def enroll(channel: str, sender_id: str, run_id: str, name: str, phone: str, consent: bool,
           now: datetime | None = None) -> Booked | None:
    """A seat, or the next waitlist place; the rider's existing place when they have one for this course (so a
    retried request changes nothing). None without consent, with a field that does not check, or when the run
    is unknown or has started."""
    clean_name, clean_phone = valid_name(name), valid_phone(phone)
    if not (consent and clean_name and clean_phone):
        return None
    for attempt in range(ATTEMPTS):
        try:
            return _enroll(channel, sender_id, run_id, clean_name, clean_phone, _now(now))
        except IntegrityError:  # the same person created twice at once: the retry finds them
            if attempt == ATTEMPTS - 1:
                raise
    return None


def mine(channel: str, sender_id: str, now: datetime | None = None) -> list[Booked]:
    """The rider's places in runs still to come, soonest first."""
    with db.session_scope() as session:
        person = people.find(session, channel, sender_id)
        if person is None:
            return []
        places = session.execute(select(Enrollment).join(CourseSession).where(
            Enrollment.person_id == person.id, Enrollment.status.in_(LIVE), CourseSession.starts_at > _now(now))
            .order_by(CourseSession.starts_at)).scalars().all()
        return [_booked(session, p, existing=True) for p in places]


@dataclass(frozen=True)
class Cancelled:
    done: Booked | None  # the place given up
    choices: list[Booked]  # several places and none named: which one?


def cancel(channel: str, sender_id: str, run_id: str | None = None, now: datetime | None = None) -> Cancelled:
    """Give up a place (the named run's, or the only one); a seat it held goes to the first waiting."""
    now = _now(now)
    if run_id is None:
        places = mine(channel, sender_id, now)
        if len(places) != 1:
            return Cancelled(None, places)
        run_id = places[0].run_id
    with db.session_scope() as session:
        person = people.find(session, channel, sender_id)
        run = None if person is None else _locked_run(session, run_id)
        place = None if run is None or _started(run, now) else session.execute(select(Enrollment).where(
            Enrollment.session_id == run.id, Enrollment.person_id == person.id,
            Enrollment.status.in_(LIVE))).scalar_one_or_none()
        if place is None:
            return Cancelled(None, [])
        _give_up(session, place, run, now)
        session.flush()
        return Cancelled(_booked(session, place, existing=True), [])


def _give_up(session: Session, place: Enrollment, run: CourseSession, now: datetime) -> None:
    """The place is cancelled; a seat it held goes to the first waiting (the run's row is locked)."""
    held = place.status in HOLDS_SEAT
    place.status, place.offer_expires_at = Place.CANCELLED.value, None
    if held:
        _free_seat(session, run, now)


def release_places(session: Session, person_id: int, now: datetime | None = None) -> int:
    """Give up every live place of a person in runs not started yet (a rider's data being deleted), inside the
    caller's transaction; how many."""
    now = _now(now)
    released = 0
    for place in session.execute(select(Enrollment).where(Enrollment.person_id == person_id,
                                                          Enrollment.status.in_(LIVE))).scalars().all():
        run = _locked_run(session, place.session_id)
        if run is not None and not _started(run, now):
            _give_up(session, place, run, now)
            released += 1
    session.flush()
    return released


def answer_offer(channel: str, sender_id: str, run_id: str, accept: bool, now: datetime | None = None
                 ) -> Booked | None:
    """The rider's answer to an offered seat: the place as it is afterwards (an answer after the offer expired
    finds it expired; after the start, nothing changes). None when the rider has no place in the run."""
    now = _now(now)
    with db.session_scope() as session:
        person = people.find(session, channel, sender_id)
        run = None if person is None else _locked_run(session, run_id)
        place = None if run is None else session.execute(select(Enrollment).where(
            Enrollment.session_id == run.id, Enrollment.person_id == person.id)).scalar_one_or_none()
        if place is None or _started(run, now):
            return None
        if place.status == Place.OFFERED.value:
            if aware(place.offer_expires_at) <= now:
                place.status = Place.EXPIRED.value
                _free_seat(session, run, now)
            elif accept:
                place.status = Place.ENROLLED.value
            else:
                place.status = Place.CANCELLED.value
                _free_seat(session, run, now)
            place.offer_expires_at = None
            session.flush()
        return _booked(session, place, existing=False)


def expire_offers(now: datetime | None = None) -> int:
    """Offers not answered in time pass on to the next waiting; returns how many expired."""
    now = _now(now)
    with db.session_scope() as session:
        runs = session.execute(select(Enrollment.session_id).where(
            Enrollment.status == Place.OFFERED.value, Enrollment.offer_expires_at <= now).distinct()).scalars().all()
    expired = 0
    for run_id in runs:
        with db.session_scope() as session:
            run = _locked_run(session, run_id)
            places = session.execute(select(Enrollment).where(  # read again under the lock: one may have answered
                Enrollment.session_id == run_id, Enrollment.status == Place.OFFERED.value,
                Enrollment.offer_expires_at <= now)).scalars().all()
            for place in places:
                place.status, place.offer_expires_at = Place.EXPIRED.value, None
                _tell(session, place.person_id, responses.text(
                    "utter_training_offer_expired", title=session.get(Course, run.course_id).title),
                    f"training-expired:{place.id}:{place.arrival}")
                _free_seat(session, run, now)
                expired += 1
    return expired


def send_reminders(now: datetime | None = None) -> int:
    """One reminder per enrolled place, on the day before its run (China's calendar, from `reminder_from` in the
    morning, not at midnight); returns how many."""
    now = _now(now)
    if now.astimezone(CHINA_TIME).time() < time.fromisoformat(settings()["reminder_from"]):
        return 0
    tomorrow = now.astimezone(CHINA_TIME).date() + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=CHINA_TIME).astimezone(timezone.utc)
    sent = 0
    with db.session_scope() as session:
        due = session.execute(select(Enrollment.id).join(CourseSession).where(
            Enrollment.status == Place.ENROLLED.value, Enrollment.reminded_at.is_(None),
            CourseSession.starts_at >= start, CourseSession.starts_at < start + timedelta(days=1))).scalars().all()
        for place_id in due:
            marked = session.execute(update(Enrollment).where(
                Enrollment.id == place_id, Enrollment.reminded_at.is_(None)).values(reminded_at=now))
            if marked.rowcount != 1:  # another run of this job took it
                continue
            place = session.get(Enrollment, place_id)
            run = session.get(CourseSession, place.session_id)
            _tell(session, place.person_id, responses.text(
                "utter_training_reminder", title=session.get(Course, run.course_id).title, when=when(run.starts_at),
                location=run.location), f"training-reminder:{place.id}:{run.id}")
            sent += 1
    return sent


def tick(now: datetime | None = None) -> tuple[int, int]:
    """What a scheduler runs every few minutes: (offers expired, reminders sent)."""
    return expire_offers(now), send_reminders(now)


def roster(run_id: str) -> list[tuple[int, str, str, str]]:
    """(arrival, masked name, masked phone, state) of a run's places, in arrival order, for staff."""
    with db.session_scope() as session:
        places = session.execute(select(Enrollment).where(Enrollment.session_id == run_id)
                                 .order_by(Enrollment.arrival)).scalars().all()
        return [(p.arrival, masking.mask_name(p.name), masking.mask(p.phone), settings()["states"][p.status])
                for p in places]
