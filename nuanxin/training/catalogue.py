"""What a rider can enroll in: the upcoming runs of active courses, narrowed by what they say ("下周的", "直播",
"免费的", "晚上的"), and which run a typed choice means ("第二个", "急救那个", "下周六那场")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db, forms, knowledge, responses
from nuanxin.db import aware
from nuanxin.models import Course, CourseSession
from nuanxin.numbering import CHINA_TIME

SHOWN_AT_MOST = 6
ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
ORDINAL = re.compile(r"第\s*([一二两三四五六1-6])\s*(?:个|场|节|门|期|$)|^\s*([1-6])\s*$")


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    return knowledge.read_yaml("training.yml")


def when(moment: datetime) -> str:
    """"12月5日 周六 14:00", China time."""
    local = aware(moment).astimezone(CHINA_TIME)
    return responses.text("utter_training_when", month=local.month, day=local.day,
                          weekday=settings()["weekdays"][local.weekday()], time=f"{local:%H:%M}")


@dataclass(frozen=True)
class Filters:
    """What the rider narrowed the catalogue by; empty when they named nothing."""

    days: tuple[str, ...] = ()  # this_week | next_week | tomorrow | weekend | saturday | sunday
    evening: bool = False
    free: bool = False
    topics: tuple[str, ...] = ()  # course topic words named

    def __bool__(self) -> bool:
        return bool(self.days or self.evening or self.free or self.topics)

    def words(self) -> str:
        """The filters as the rider would say them back, for "没有…的课"."""
        vocabulary = settings()["filters"]
        named = [vocabulary[d][0] for d in self.days if d in vocabulary]
        named += [vocabulary["evening"][0]] * self.evening + [vocabulary["free"][0]] * self.free + list(self.topics)
        return "、".join(named)


def _topic_words(session: Session) -> dict[str, set[str]]:
    """Topic word -> ids of the active courses listing it among their topics."""
    found: dict[str, set[str]] = {}
    for course in session.execute(select(Course).where(Course.active.is_(True))).scalars():
        for word in course.topics.split():
            found.setdefault(word, set()).add(course.id)
    return found


def filters_of(text: str, session: Session | None = None) -> Filters:
    vocabulary = settings()["filters"]
    days = [key for key in ("this_week", "next_week", "tomorrow") if any(w in text for w in vocabulary[key])]
    if any(w in text for w in vocabulary["weekend"]):
        days.append("saturday" if re.search("(周|星期|礼拜)六", text) else
                    "sunday" if re.search("(周|星期|礼拜)[日天]", text) else "weekend")
    if session is None:
        with db.session_scope() as own:
            topics = _topic_words(own)
    else:
        topics = _topic_words(session)
    return Filters(days=tuple(days), evening=any(w in text for w in vocabulary["evening"]),
                   free=any(w in text for w in vocabulary["free"]),
                   topics=tuple(word for word in topics if word in text))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _matches(run: CourseSession, course: Course, filters: Filters, today: date) -> bool:
    local = aware(run.starts_at).astimezone(CHINA_TIME)
    day = local.date()
    checks = {
        "this_week": _week_start(day) == _week_start(today),
        "next_week": _week_start(day) == _week_start(today) + timedelta(days=7),
        "tomorrow": day == today + timedelta(days=1),
        "weekend": day.weekday() >= 5, "saturday": day.weekday() == 5, "sunday": day.weekday() == 6,
    }
    if filters.days and not any(checks[d] for d in filters.days):
        return False
    evening_from = time.fromisoformat(settings()["evening_from"])
    if filters.evening and local.time() < evening_from:
        return False
    if filters.free and not course.cost.startswith(settings()["filters"]["free"][0]):
        return False
    topics = set(course.topics.split())
    return not filters.topics or any(t in topics or t in course.title for t in filters.topics)


@dataclass(frozen=True)
class Run:
    """One run as the rider sees it."""

    id: str
    title: str
    when: str
    location: str
    seats_left: int
    capacity: int
    cost: str
    audience: str
    minutes: int


@dataclass(frozen=True)
class Catalogue:
    runs: list[Run]
    matched: bool  # False: nothing fitted the filters, so every upcoming run is listed instead
    filters: Filters


def _run(run: CourseSession, course: Course) -> Run:
    return Run(run.id, course.title, when(run.starts_at), run.location, run.capacity - run.seats_taken,
               run.capacity, course.cost, course.audience, run.minutes)


def _upcoming(session: Session, now: datetime) -> list[tuple[CourseSession, Course]]:
    return list(session.execute(
        select(CourseSession, Course).join(Course, Course.id == CourseSession.course_id)
        .where(CourseSession.active.is_(True), Course.active.is_(True), CourseSession.starts_at > now)
        .order_by(CourseSession.starts_at, CourseSession.id)).all())


def listing(text: str = "", now: datetime | None = None, limit: int = SHOWN_AT_MOST) -> Catalogue:
    """The upcoming runs fitting what `text` asks for, soonest first; all of them when nothing fits."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)  # SQLite compares the stored UTC text
    today = now.astimezone(CHINA_TIME).date()
    with db.session_scope() as session:
        filters = filters_of(text, session)
        runs = _upcoming(session, now)
        fitting = [(r, c) for r, c in runs if _matches(r, c, filters, today)]
        chosen = fitting if fitting or not filters else runs
        return Catalogue([_run(r, c) for r, c in chosen[:limit]], bool(fitting) or not filters, filters)


def choose(text: str, shown: list[str], now: datetime | None = None) -> list[str]:
    """The runs a typed choice can mean: by rank in the list shown ("第二个"), else by course and date words
    among the runs shown (or all upcoming). One id: decided; several: ask which; none: not a choice."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    ordinal = ORDINAL.search(text)
    if ordinal and shown:
        rank = ordinal.group(1) or ordinal.group(2)
        index = (int(rank) if rank.isdigit() else ORDINALS[rank]) - 1
        return [shown[index]] if index < len(shown) else []
    today = now.astimezone(CHINA_TIME).date()
    with db.session_scope() as session:
        filters = filters_of(text, session)
        runs = _upcoming(session, now)
        if shown:
            runs = [(r, c) for r, c in runs if r.id in shown] or runs
        named = [(r, c) for r, c in runs if c.title in text or (c.title[:4] in text)]
        candidates = named or [(r, c) for r, c in runs if filters.topics and _matches(r, c, Filters(
            topics=filters.topics), today)]
        if filters.days or filters.evening:
            candidates = [(r, c) for r, c in candidates or runs if _matches(r, c, Filters(
                days=filters.days, evening=filters.evening), today)]
        return [r.id for r, _ in candidates]


def question_about(text: str) -> str | None:
    """What a question typed in the middle of enrolling asks about the run: cost, place, time, bring or audience."""
    if not forms.is_question(text):
        return None
    return next((topic for topic, words in settings()["questions"].items() if any(w in text for w in words)), None)


def bring(run_id: str) -> str:
    """What to bring: the course's own advice, else the general one."""
    with db.session_scope() as session:
        run = session.get(CourseSession, run_id)
        course = knowledge_course(run.course_id) if run else {}
    return course.get("bring") or settings()["bring"]


def knowledge_course(course_id: str) -> dict[str, Any]:
    return next((c for c in settings()["courses"] if c["id"] == course_id), {})


def bookable(run_id: str, now: datetime | None = None) -> bool:
    """The run exists, is offered and has not started."""
    with db.session_scope() as session:
        run = session.get(CourseSession, run_id)
        return bool(run and run.active and aware(run.starts_at) > (now or datetime.now(timezone.utc)))


def describe(run_id: str) -> Run | None:
    with db.session_scope() as session:
        run = session.get(CourseSession, run_id)
        return None if run is None else _run(run, session.get(Course, run.course_id))


def add_run(course_id: str, starts_at: datetime, location: str, capacity: int, minutes: int = 120) -> str:
    """Staff schedule a real run (the console will call this); returns its id."""
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=CHINA_TIME)
    if capacity < 1:
        raise ValueError("a run needs at least one seat")
    run_id = f"{course_id}-{starts_at.astimezone(CHINA_TIME):%Y%m%d%H%M}"
    with db.session_scope() as session:
        if session.get(Course, course_id) is None:
            raise ValueError(f"no course {course_id}")
        session.add(CourseSession(id=run_id, course_id=course_id, starts_at=starts_at.astimezone(timezone.utc),
                                  minutes=minutes, location=location[:128], capacity=capacity, seats_taken=0,
                                  active=True))
    return run_id
