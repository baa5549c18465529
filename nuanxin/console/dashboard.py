"""The figures on the console's first page: reports by category, street and week; points granted and redeemed;
questions answered, handed over and unanswered. Counted from the shared database each time (a district's volume
is thousands of rows, not millions).

"Answered" is the policy action's runs (Rasa's events) less the questions it recorded as unanswered.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from nuanxin import db
from nuanxin.models import ConversationEvent, HandoffTicket, PointsEntry, Report, UnansweredQuestion
from nuanxin.numbering import CHINA_TIME
from nuanxin.report import categories
from nuanxin.report.review import streets_of

WEEKS = 8
POLICY_ACTION = "action_answer_policy"


@dataclass(frozen=True)
class Figures:
    by_category: list[tuple[str, int]]
    by_street: list[tuple[str, int]]
    by_week: list[tuple[str, int]]  # (Monday as 11-23, reports filed that week), oldest first
    points_granted: int
    points_redeemed: int
    answered: int
    handed_over: int
    unanswered: int
    unanswered_open: int


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def figures(today: date | None = None) -> Figures:
    today = today or datetime.now(CHINA_TIME).date()
    first_week = _monday(today) - timedelta(weeks=WEEKS - 1)
    with db.session_scope() as session:
        reports = session.execute(select(Report.category_id, Report.lat, Report.lon, Report.created_at)).all()
        granted = session.execute(select(func.coalesce(func.sum(PointsEntry.delta), 0))
                                  .where(PointsEntry.delta > 0)).scalar_one()
        redeemed = session.execute(select(func.coalesce(func.sum(-PointsEntry.delta), 0))
                                   .where(PointsEntry.delta < 0)).scalar_one()
        runs = session.execute(select(func.count()).select_from(ConversationEvent).where(
            ConversationEvent.type_name == "action", ConversationEvent.action_name == POLICY_ACTION)).scalar_one()
        unanswered = session.execute(select(func.count()).select_from(UnansweredQuestion)).scalar_one()
        still_open = session.execute(select(func.count()).select_from(UnansweredQuestion)
                                     .where(UnansweredQuestion.status == "open")).scalar_one()
        handed = session.execute(select(func.count()).select_from(HandoffTicket)).scalar_one()
    names = {c.id: c.name for c in categories.all_categories()}
    by_category = Counter(names.get(category, category) for category, _, _, _ in reports)
    by_street = Counter(name or "未定位" for _, name in streets_of([(lat, lon) for _, lat, lon, _ in reports]))
    weeks = Counter()
    for *_, created in reports:
        day = db.aware(created).astimezone(CHINA_TIME).date()
        if day >= first_week:
            weeks[_monday(day)] += 1
    by_week = [(f"{first_week + timedelta(weeks=i):%m-%d}", weeks[first_week + timedelta(weeks=i)])
               for i in range(WEEKS)]
    return Figures(by_category.most_common(), by_street.most_common(), by_week, int(granted), int(redeemed),
                   max(0, runs - unanswered), handed, unanswered, still_open)
