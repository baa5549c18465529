"""Reports as staff review them: the filtered list (and its CSV), the district map drawn from our own data, one
report's detail with its photo, history and possible duplicates, the reporter's contact (audited when shown
unmasked). Changes go through nuanxin.report.workflow, which audits them and tells the reporter and followers.

A report's street is the street of the nearest community centre to its point (reports keep coordinates, not a
street); a report without a point has none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import select

from nuanxin import db, masking
from nuanxin.console import audit
from nuanxin.messaging import photos
from nuanxin.numbering import CHINA_TIME as CHINA
from nuanxin.models import Community, GridMember, Person, Report, ReportFollower, Station, Street
from nuanxin.report import categories
from nuanxin.report.filing import nearby_in, excerpt
from nuanxin.report.states import ALLOWED, ReportState
from nuanxin.report.workflow import history, report_of

SYSTEM_CHANNEL = "open311"  # reports other city systems filed (nuanxin.report.open311)


class ReporterKind:
    GRID = "grid"  # a registered grid member (兼职网格员): verified reports earn points
    RIDER = "rider"
    SYSTEM = "system"  # filed by another city system through Open311


REPORTER_KINDS = (ReporterKind.GRID, ReporterKind.RIDER, ReporterKind.SYSTEM)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    category: str | None = None
    street: str | None = None  # street id
    since: date | None = None  # China's calendar days, inclusive
    until: date | None = None
    reporter: str | None = None  # ReporterKind


@dataclass(frozen=True)
class Row:
    ticket: str
    filed: datetime  # China's time
    status: str
    status_name: str
    category: str
    street: str
    excerpt: str  # masked
    place: str
    confirmations: int
    held: bool
    reporter: str  # ReporterKind
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Detail:
    row: Row
    text: str  # masked
    has_photo: bool
    history: list[tuple[str, str | None, str]]
    nearby: list = field(default_factory=list)  # filing.Nearby, this report left out
    reporter_name: str = ""  # masked
    reporter_phone: str = ""  # masked
    followers: int = 0
    duplicate_of: str | None = None
    next_states: list[tuple[str, str]] = field(default_factory=list)  # (state, name) staff may choose


@dataclass(frozen=True)
class MapData:
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    streets: list[tuple[str, float, float]]  # name, lon, lat
    communities: list[tuple[float, float]]
    stations: list[tuple[str, float, float]]
    reports: list[Row]


@lru_cache(maxsize=1)
def _centres() -> tuple[np.ndarray, tuple[tuple[str, str], ...]]:
    """Community centres as (lat, lon) rows, and the (street id, street name) of each."""
    with db.session_scope() as session:
        names = dict(session.execute(select(Street.id, Street.name)).all())
        rows = session.execute(select(Community).where(Community.active.is_(True))).scalars().all()
        return (np.array([(c.lat, c.lon) for c in rows], dtype=float).reshape(-1, 2),
                tuple((c.street_id, names[c.street_id]) for c in rows))


def streets_of(points: list[tuple[float | None, float | None]]) -> list[tuple[str, str]]:
    """(street id, name) of the nearest community centre to each point, ("", "") for a missing point; all points
    at once (a list of a thousand reports is one array operation, not a thousand searches)."""
    centres, owners = _centres()
    found = [("", "")] * len(points)
    located = [i for i, (lat, lon) in enumerate(points) if lat is not None and lon is not None]
    if not located or not len(centres):
        return found
    where = np.array([points[i] for i in located], dtype=float)
    shrink = np.cos(np.radians(where[:, :1]))  # a degree of longitude is shorter than one of latitude
    squared = (where[:, None, 0] - centres[None, :, 0]) ** 2 + (shrink * (where[:, None, 1] - centres[None, :, 1])) ** 2
    for i, nearest in zip(located, squared.argmin(axis=1)):
        found[i] = owners[nearest]
    return found


def street_of(lat: float | None, lon: float | None) -> tuple[str, str]:
    return streets_of([(lat, lon)])[0]


def streets() -> list[tuple[str, str]]:
    with db.session_scope() as session:
        return [(s.id, s.name) for s in session.execute(select(Street).where(Street.active.is_(True))
                                                        .order_by(Street.id)).scalars()]


def _china_day_start(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA).astimezone(timezone.utc)


def _kind(report: Report, channel: str) -> str:
    if channel == SYSTEM_CHANNEL:
        return ReporterKind.SYSTEM
    return ReporterKind.GRID if report.by_grid_member else ReporterKind.RIDER


def _row(report: Report, channel: str, street: str) -> Row:
    category = categories.by_id(report.category_id)
    return Row(report.ticket, db.aware(report.created_at).astimezone(CHINA), report.status,
               categories.state_name(report.status), category.name if category else report.category_id,
               street, excerpt(report.text), report.location_text or "",
               report.confirmations, report.held, _kind(report, channel), report.lat, report.lon)


def _query(filters: Filters):  # type: ignore[no-untyped-def]
    query = select(Report, Person.channel).join(Person, Person.id == Report.person_id)
    if filters.status:
        query = query.where(Report.status == filters.status)
    if filters.category:
        query = query.where(Report.category_id == filters.category)
    if filters.since:
        query = query.where(Report.created_at >= _china_day_start(filters.since))
    if filters.until:
        query = query.where(Report.created_at < _china_day_start(filters.until + timedelta(days=1)))
    if filters.reporter == ReporterKind.SYSTEM:
        query = query.where(Person.channel == SYSTEM_CHANNEL)
    elif filters.reporter in (ReporterKind.GRID, ReporterKind.RIDER):
        query = query.where(Person.channel != SYSTEM_CHANNEL,
                            Report.by_grid_member.is_(filters.reporter == ReporterKind.GRID))
    return query.order_by(Report.id.desc())


def page(filters: Filters = Filters(), offset: int = 0, limit: int | None = None) -> tuple[int, list[Row]]:
    """(how many match, the rows from `offset`), newest first; the street filter is applied to the computed
    street, and rows are built for the page only."""
    with db.session_scope() as session:
        found = session.execute(_query(filters)).all()
        names = streets_of([(report.lat, report.lon) for report, _ in found])
        matching = [(report, channel, name) for (report, channel), (street, name) in zip(found, names)
                    if not filters.street or street == filters.street]
        shown = matching[offset:offset + limit if limit else None]
        return len(matching), [_row(report, channel, name) for report, channel, name in shown]


def listing(filters: Filters = Filters()) -> list[Row]:
    return page(filters)[1]


def detail(ticket: str) -> Detail:
    with db.session_scope() as session:
        report = report_of(session, ticket)
        person = session.get(Person, report.person_id)
        member = session.execute(select(GridMember).where(GridMember.person_id == person.id)).scalar_one_or_none()
        followers = len(session.execute(select(ReportFollower.id).where(
            ReportFollower.report_id == report.id)).all())
        nearby = [] if report.lat is None else [
            n for n in nearby_in(session, report.category_id, report.lat, report.lon) if n.ticket != report.ticket]
        original = session.get(Report, report.duplicate_of_id) if report.duplicate_of_id else None
        next_states = [(s.value, categories.state_name(s.value)) for s in ReportState
                       if s in ALLOWED[ReportState(report.status)] and s is not ReportState.DUPLICATE]
        name = member.name if member else ""
        phone = (member.phone if member else None) or person.phone or ""
        row = _row(report, person.channel, street_of(report.lat, report.lon)[1])
        shown = Detail(row, masking.mask(report.text), bool(_photo(report)), [],
                       nearby, masking.mask_name(name), masking.mask(phone), followers,
                       original.ticket if original else None, next_states)
    return Detail(**{**shown.__dict__, "history": history(ticket)})


def reporter_contact(ticket: str, actor: str) -> tuple[str, str]:
    """(name, phone) in full for the member of staff who must call the reporter; every view is audited."""
    with db.session_scope() as session:
        report = report_of(session, ticket)
        person = session.get(Person, report.person_id)
        member = session.execute(select(GridMember).where(GridMember.person_id == person.id)).scalar_one_or_none()
        audit.record(session, actor, "unmask_reporter", f"report:{report.ticket}")
        return (member.name if member else ""), ((member.phone if member else None) or person.phone or "")


def _photo(report: Report) -> Path | None:
    if not report.photo_path:
        return None
    path = photos.directory() / Path(report.photo_path).name  # only a name inside the photo folder
    return path if path.is_file() else None


def photo_file(ticket: str) -> Path | None:
    with db.session_scope() as session:
        return _photo(report_of(session, ticket))


def map_data(filters: Filters = Filters()) -> MapData:
    """Everything the console's map draws: streets (labels), community centres, stations, report points."""
    with db.session_scope() as session:
        street_rows = session.execute(select(Street).where(Street.active.is_(True))).scalars().all()
        communities = [(c.lon, c.lat) for c in session.execute(
            select(Community).where(Community.active.is_(True))).scalars()]
        stations = [(s.name, s.lon, s.lat) for s in session.execute(
            select(Station).where(Station.active.is_(True))).scalars()]
    reports = [row for row in listing(filters) if row.lat is not None and row.lon is not None]
    lons = [lon for lon, _ in communities] + [lon for _, lon, _ in stations]
    lats = [lat for _, lat in communities] + [lat for _, _, lat in stations]
    bounds = (min(lons), min(lats), max(lons), max(lats)) if lons else (0.0, 0.0, 1.0, 1.0)
    return MapData(bounds, [(s.name, s.lon, s.lat) for s in street_rows], communities, stations, reports)
