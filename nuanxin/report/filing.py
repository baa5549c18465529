"""Filing a report, the open reports nearby that may be the same problem, following one, and a rider's list.

Each public function is one unit of work with its own session, for the adapters. What other riders may see of a
report (in the duplicates offer) is its ticket, category, age and a short masked text, never a held report.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db, masking, numbering, people
from nuanxin.models import Consent, GridMember, Report, ReportFollower, ReportStatus, utcnow
from nuanxin.report import categories
from nuanxin.report.states import OPEN, ReportState
from nuanxin.station import geo

NOTICE_VERSION = "report-2026-11"  # the notice shown with the confirmation (domain/report.yml)
EXCERPT_CHARS = 24
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Nearby:
    ticket: str
    category: str
    excerpt: str
    age_days: int
    distance_m: int
    confirmations: int


@dataclass(frozen=True)
class Filed:
    ticket: str
    category: str
    status: str
    held: bool
    earns_points: bool


@dataclass(frozen=True)
class Followed:
    ticket: str
    status: str
    confirmations: int
    already: bool  # this rider filed or followed it before: nothing changed


@dataclass(frozen=True)
class Mine:
    ticket: str
    category: str
    status: str
    note: str | None
    own: bool  # filed by this rider (False: followed)


def held_for_review(text: str) -> bool:
    """Abuse, or someone's phone or ID number: staff look first, other riders never see it."""
    return any(word in text for word in categories.setting("held_words")) or bool(
        masking.PHONE.search(text) or masking.ID_CARD.search(text))


def excerpt(text: str) -> str:
    short = masking.mask(re.sub(r"\s+", " ", text).strip())
    return short if len(short) <= EXCERPT_CHARS else short[:EXCERPT_CHARS] + "…"


def nearby_in(session: Session, category_id: str, lat: float, lon: float) -> list[Nearby]:
    radius = float(categories.setting("duplicate_radius_m"))
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = session.execute(
        select(Report).where(Report.category_id == category_id, Report.status.in_(OPEN), Report.held.is_(False),
                             Report.lat.between(lat - dlat, lat + dlat), Report.lon.between(lon - dlon, lon + dlon))
    ).scalars().all()
    now = utcnow()
    found = []
    for report in rows:
        distance = geo.distance_m(lat, lon, report.lat, report.lon)
        if distance <= radius:
            created = report.created_at if report.created_at.tzinfo else report.created_at.replace(tzinfo=timezone.utc)
            found.append(Nearby(report.ticket, categories.by_id(report.category_id).name, excerpt(report.text),
                                (now - created).days, round(distance), report.confirmations))
    found.sort(key=lambda n: n.distance_m)
    return found[: int(categories.setting("duplicate_offers"))]


def nearby_open(category_id: str, lat: float, lon: float) -> list[Nearby]:
    """Open reports of the same category within 250 m, nearest first (at most 5)."""
    with db.session_scope() as session:
        return nearby_in(session, category_id, lat, lon)


def is_grid_member(session: Session, person_id: int) -> bool:
    return session.execute(select(GridMember.id).where(GridMember.person_id == person_id)).first() is not None


def file(channel: str, sender_id: str, text: str, category_id: str, lat: float | None, lon: float | None,
         place: str | None, photo_path: str | None, max_chars: int = 1000, media_url: str | None = None) -> Filed:
    """Store a new report with its first history line; the ticket is the day's next number."""
    category = categories.by_id(category_id) or categories.by_id(categories.OTHER)
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        member = is_grid_member(session, person.id)
        _consent(session, person.id)
        held = held_for_review(text)
        for _ in range(20):  # two reports filed in the same instant race for the same number: the loser retries
            report = Report(ticket=numbering.next_of_the_day(session, Report.ticket, "SB"), person_id=person.id,
                            category_id=category.id, text=text.strip()[:max_chars], lat=lat, lon=lon,
                            location_text=(place or None) and place[:128], photo_path=photo_path, media_url=media_url,
                            status=ReportState.PENDING.value, by_grid_member=member, confirmations=0, held=held)
            try:
                with session.begin_nested():
                    session.add(report)
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("no free ticket number")
        session.add(ReportStatus(report_id=report.id, status=ReportState.PENDING.value, actor="reporter"))
        return Filed(report.ticket, category.name, categories.state_name(report.status), held, member)


def _consent(session: Session, person_id: int) -> None:
    """Confirming a report is consent to its location and photo being used to handle it (the notice says so)."""
    known = session.execute(select(Consent.id).where(Consent.person_id == person_id, Consent.purpose == "report",
                                                     Consent.notice_version == NOTICE_VERSION)).first()
    if known is None:
        session.add(Consent(person_id=person_id, purpose="report", granted=True, notice_version=NOTICE_VERSION))


def follow(channel: str, sender_id: str, ticket: str) -> Followed | None:
    """"是同一个": the rider follows the open report instead of filing a new one; it counts one more confirmation.
    None when the ticket is unknown, closed or held."""
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        report = session.execute(select(Report).where(Report.ticket == ticket.strip().upper())).scalar_one_or_none()
        if report is None or report.status not in OPEN or report.held:
            return None
        status = categories.state_name(report.status)
        if report.person_id == person.id or _follows(session, report.id, person.id):
            return Followed(report.ticket, status, report.confirmations, already=True)
        try:
            with session.begin_nested():
                session.add(ReportFollower(report_id=report.id, person_id=person.id))
        except IntegrityError:  # the same tap arrived twice at once
            return Followed(report.ticket, status, report.confirmations, already=True)
        report.confirmations = Report.confirmations + 1
        session.flush()
        session.refresh(report)
        return Followed(report.ticket, status, report.confirmations, already=False)


def _follows(session: Session, report_id: int, person_id: int) -> bool:
    return session.execute(select(ReportFollower.id).where(ReportFollower.report_id == report_id,
                                                           ReportFollower.person_id == person_id)).first() is not None


def mine(channel: str, sender_id: str, limit: int = 5) -> list[Mine]:
    """The rider's own and followed reports, newest first, with the latest staff note."""
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        followed = select(ReportFollower.report_id).where(ReportFollower.person_id == person.id)
        reports = session.execute(select(Report).where((Report.person_id == person.id) | Report.id.in_(followed))
                                  .order_by(Report.id.desc()).limit(limit)).scalars().all()
        out = []
        for report in reports:
            note = session.execute(select(ReportStatus.note).where(ReportStatus.report_id == report.id,
                                                                   ReportStatus.note.is_not(None))
                                   .order_by(ReportStatus.id.desc()).limit(1)).scalar()
            out.append(Mine(report.ticket, categories.by_id(report.category_id).name,
                            categories.state_name(report.status), note, report.person_id == person.id))
        return out


def staff_list(status: str | None = None, limit: int = 50) -> list[tuple[str, str, str, str, str, int, bool]]:
    """(ticket, state, category, masked excerpt, place, confirmations, held), newest first: open ones by default."""
    with db.session_scope() as session:
        wanted = (status,) if status else OPEN
        reports = session.execute(select(Report).where(Report.status.in_(wanted)).order_by(Report.id.desc())
                                  .limit(limit)).scalars().all()
        return [(r.ticket, categories.state_name(r.status), categories.by_id(r.category_id).name, excerpt(r.text),
                 r.location_text or "", r.confirmations, r.held) for r in reports]
