"""Reports open to other city systems through Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the
report categories as services, reports as service requests. Every request call carries an api_key issued to one
system (only its SHA-256 is stored; revocable). Filed requests become reports like a rider's, filed by the
system; what goes out is the report itself — category, state, masked description, place, times in China's
+08:00 — never who reported it.

Errors are `Open311Error(code, description)`; the web adapter returns them as `[{"code": .., "description": ..}]`.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update

from nuanxin import db
from nuanxin.console import audit
from nuanxin.masking import mask
from nuanxin.models import Open311Key, Report, ReportStatus, utcnow
from nuanxin.report import categories, filing, intake
from nuanxin.report.review import CHINA, SYSTEM_CHANNEL
from nuanxin.report.states import OPEN

MAX_DESCRIPTION = 4000
MAX_RESULTS = 1000
DEFAULT_DAYS = 90  # the spec's default window when no dates are given
AGENCY = "暖新助手 · 城市哨兵"


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(system: str, actor: str) -> str:
    """A new key for `system` (shown once); a system has one key, issuing again replaces it."""
    key = secrets.token_urlsafe(32)
    with db.session_scope() as session:
        row = session.execute(select(Open311Key).where(Open311Key.system == system)).scalar_one_or_none()
        if row is None:
            session.add(Open311Key(system=system, key_hash=_hash(key), active=True))
        else:
            row.key_hash, row.active, row.revoked_at = _hash(key), True, None
        audit.record(session, actor, "issue_open311_key", f"open311:{system}")
    return key


def revoke_key(system: str, actor: str) -> bool:
    with db.session_scope() as session:
        revoked = session.execute(update(Open311Key).where(Open311Key.system == system,
                                                           Open311Key.active.is_(True))
                                  .values(active=False, revoked_at=utcnow())).rowcount == 1
        if revoked:
            audit.record(session, actor, "revoke_open311_key", f"open311:{system}", {"active": True},
                         {"active": False})
        return revoked


def keys() -> list[tuple[str, bool, datetime]]:
    with db.session_scope() as session:
        return [(k.system, k.active, k.created_at) for k in session.execute(
            select(Open311Key).order_by(Open311Key.system)).scalars()]


def system_of(api_key: str | None) -> str:
    """The system an active key was issued to; Open311Error 403 otherwise."""
    if api_key:
        with db.session_scope() as session:
            system = session.execute(select(Open311Key.system).where(
                Open311Key.key_hash == _hash(api_key), Open311Key.active.is_(True))).scalar_one_or_none()
            if system:
                return system
    raise Open311Error(403, "api_key 无效或已停用")


def _service(category: categories.Category) -> dict[str, Any]:
    return {"service_code": category.id, "service_name": category.name, "description": category.description,
            "metadata": False, "type": "realtime", "keywords": "", "group": "城市哨兵"}


def services() -> list[dict[str, Any]]:
    return [_service(c) for c in categories.all_categories()]


def service_definition(code: str) -> dict[str, Any]:
    """No extra attributes: every service takes a description and a place."""
    if categories.by_id(code) is None:
        raise Open311Error(404, f"没有代码为 {code} 的服务")
    return {"service_code": code, "attributes": []}


def _number(value: str | None, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} 不是数字") from None


@dataclass(frozen=True)
class NewRequest:
    service_code: str | None
    description: str | None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    media_url: str | None = None


def file_request(system: str, new: NewRequest) -> list[dict[str, Any]]:
    if not new.service_code:
        raise Open311Error(400, "缺少 service_code")
    category = categories.by_id(new.service_code)
    if category is None:
        raise Open311Error(404, f"没有代码为 {new.service_code} 的服务")
    description = (new.description or "").strip()
    if not description:
        raise Open311Error(400, "缺少 description")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description 超过 {MAX_DESCRIPTION} 字")
    lat, lon = _number(new.lat, "lat"), _number(new.long, "long")
    place = (new.address_string or "").strip()[:128] or None
    if lat is None or lon is None:
        if not place:
            raise Open311Error(400, "需要 lat/long 或 address_string")
        located = intake.locate(place, answer_to_where=True)
        lat, lon = (located.lat, located.lon) if located else (None, None)
    elif not intake.in_district(lat, lon):
        raise Open311Error(400, "lat/long 不在本区范围内")
    media = (new.media_url or "").strip()
    if media and not media.startswith(("http://", "https://")):
        raise Open311Error(400, "media_url 需要是 http(s) 地址")
    filed = filing.file(SYSTEM_CHANNEL, system, description, category.id, lat, lon, place, None,
                        max_chars=MAX_DESCRIPTION, media_url=media[:512] or None)
    return [{"service_request_id": filed.ticket, "service_notice": "", "account_id": None}]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return db.aware(moment).astimezone(CHINA).isoformat(
        timespec="seconds")


def _as_request(report: Report, note: str | None) -> dict[str, Any]:
    category = categories.by_id(report.category_id)
    state = categories.state_name(report.status)
    return {
        "service_request_id": report.ticket,
        "status": "open" if report.status in OPEN else "closed",
        "status_notes": f"{state}：{mask(note)}" if note else state,
        "service_name": category.name if category else report.category_id,
        "service_code": report.category_id,
        "description": "" if report.held else mask(report.text),  # held: personal data or abuse, staff only
        "agency_responsible": AGENCY,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": None,
        "address": "" if report.held else mask(report.location_text or ""),
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": report.media_url or "",
    }


def _date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} 不是 ISO 8601 时间") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).astimezone(timezone.utc)


def _latest_notes(session: Any, ids: list[int]) -> dict[int, str]:
    notes: dict[int, str] = {}
    if ids:
        for report_id, note in session.execute(
                select(ReportStatus.report_id, ReportStatus.note).where(
                    ReportStatus.report_id.in_(ids), ReportStatus.note.is_not(None)).order_by(ReportStatus.id)):
            notes[report_id] = note
    return notes


def find_requests(service_request_id: str | None = None, service_code: str | None = None,
                  start_date: str | None = None, end_date: str | None = None,
                  status: str | None = None) -> list[dict[str, Any]]:
    """The spec's filters; comma-separated lists for ids, codes and statuses. Without ids or dates: the last 90
    days, newest first, at most 1,000."""
    query = select(Report)
    if service_request_id:
        query = query.where(Report.ticket.in_([t.strip().upper() for t in service_request_id.split(",")]))
    else:
        start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
        if start is None and end is None:
            start = utcnow() - timedelta(days=DEFAULT_DAYS)
        if start is not None:
            query = query.where(Report.created_at >= start)
        if end is not None:
            query = query.where(Report.created_at <= end)
    if service_code:
        query = query.where(Report.category_id.in_([c.strip() for c in service_code.split(",")]))
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed")
        if wanted == {"open"}:
            query = query.where(Report.status.in_(OPEN))
        elif wanted == {"closed"}:
            query = query.where(Report.status.not_in(OPEN))
    with db.session_scope() as session:
        reports = session.execute(query.order_by(Report.id.desc()).limit(MAX_RESULTS)).scalars().all()
        notes = _latest_notes(session, [r.id for r in reports])
        return [_as_request(r, notes.get(r.id)) for r in reports]


def one_request(ticket: str) -> list[dict[str, Any]]:
    found = find_requests(service_request_id=ticket)
    if not found or "," in ticket:
        raise Open311Error(404, f"没有编号为 {ticket} 的请求")
    return found
