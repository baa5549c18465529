"""Load the reviewed district data in `knowledge/` into the database.

Loading is idempotent (run it on every start): rows are upserted by their id, and rows that disappeared from
the files are only marked inactive, because people's enrollments, reports and redemptions may still point at them.
"""
from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import settings
from nuanxin.numbering import CHINA_TIME
from nuanxin.models import (
    Base,
    Community,
    Course,
    CourseSession,
    GridStation,
    PolicyUnit,
    ReportCategory,
    Reward,
    ServiceContact,
    Station,
    Street,
    UnionGroup,
)

STATION_COLUMNS = ("id", "name", "kind", "street", "address", "lon", "lat", "amenities", "hours", "phone")
# Rough bounding box of mainland China; a coordinate outside it is a typo, not a station.
CHINA_LON = (73.0, 135.5)
CHINA_LAT = (18.0, 53.6)


class KnowledgeError(ValueError):
    """The reviewed data is inconsistent; loading stops before anything is written."""


def read_yaml(name: str, directory: Path | None = None) -> Any:
    with open((directory or settings.KNOWLEDGE_DIR) / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_csv(name: str, directory: Path | None = None) -> list[dict[str, str]]:
    with open((directory or settings.KNOWLEDGE_DIR) / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _coordinate(row: dict[str, str], source: str) -> tuple[float, float]:
    try:
        lon, lat = float(row["lon"]), float(row["lat"])
    except (KeyError, ValueError) as exc:
        raise KnowledgeError(f"{source} {row.get('id')}: bad coordinates") from exc
    if not (CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]):
        raise KnowledgeError(f"{source} {row.get('id')}: ({lon}, {lat}) is outside China")
    return lon, lat


def _with_coordinates(rows: list[dict[str, str]], source: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        lon, lat = _coordinate(row, source)
        out.append({**row, "lon": lon, "lat": lat})
    return out


def parse_hours(hours: str) -> tuple[int, int]:
    """'08:00-20:00' -> minutes since midnight (480, 1200); '00:00-24:00' is a 24-hour station."""
    try:
        start, end = hours.split("-")
        minutes = [int(part[:2]) * 60 + int(part[3:5]) for part in (start, end)]
    except (ValueError, IndexError) as exc:
        raise KnowledgeError(f"opening hours {hours!r} are not HH:MM-HH:MM") from exc
    if not (0 <= minutes[0] < minutes[1] <= 24 * 60):
        raise KnowledgeError(f"opening hours {hours!r} do not make sense")
    return minutes[0], minutes[1]


def station_rows(directory: Path | None = None) -> list[dict[str, Any]]:
    rows = read_csv("stations.csv", directory)
    if rows and (missing := set(STATION_COLUMNS) - set(rows[0])):
        raise KnowledgeError(f"stations.csv lacks columns {sorted(missing)}")
    out = []
    for row in _with_coordinates(rows, "stations.csv"):
        parse_hours(row["hours"])
        out.append(
            {
                "id": row["id"],
                "name": row["name"],
                "kind": row["kind"],
                "street_id": row["street"],
                "community_id": row.get("community") or None,
                "address": row["address"],
                "lon": row["lon"],
                "lat": row["lat"],
                "amenities": row["amenities"],
                "hours": row["hours"],
                "phone": row.get("phone") or None,
            }
        )
    return out


def _sync(
    session: Session, model: type[Base], rows: Iterable[dict[str, Any]], insert_only: tuple[str, ...] = ()
) -> int:
    """Upsert rows by primary key; deactivate the ones no longer listed. Returns how many are listed.

    Fields in `insert_only` seed a new row but are live data afterwards (stock), so a reload never resets them.
    """
    existing = {obj.id: obj for obj in session.execute(select(model)).scalars()}
    seen = set()
    for row in rows:
        seen.add(row["id"])
        obj = existing.get(row["id"])
        if obj is None:
            session.add(model(**row, active=True))
        else:
            for key, value in row.items():
                if key not in insert_only:
                    setattr(obj, key, value)
            obj.active = True
    for key, obj in existing.items():
        if key not in seen:
            obj.active = False
    session.flush()
    return len(seen)


RELATIVE_START = re.compile(r"^\+(\d+) days? (\d{1,2}):(\d{2})$")


def sample_runs(session: Session, courses: list[dict[str, Any]], now: datetime) -> int:
    """Create each sample run ("+7 days 14:00" from today, China time) whose line has no upcoming run; returns how
    many lines are listed. A created run keeps its date and is never deactivated here: people may have booked it,
    and runs staff added are not in the files at all. seats_taken is live data owned by enrollments."""
    today = now.astimezone(CHINA_TIME).date()
    listed = 0
    for course in courses:
        for line in course.get("sessions", []):
            listed += 1
            matched = RELATIVE_START.match(str(line["starts"]))
            if matched is None:
                raise KnowledgeError(f"training.yml {line['id']}: starts {line['starts']!r} is not '+N days HH:MM'")
            day = today + timedelta(days=int(matched.group(1)))
            starts = datetime(day.year, day.month, day.day, int(matched.group(2)), int(matched.group(3)),
                              tzinfo=CHINA_TIME).astimezone(timezone.utc)
            upcoming = session.execute(select(CourseSession.id).where(
                CourseSession.id.like(f"{line['id']}-%"), CourseSession.starts_at > now.astimezone(timezone.utc))
            ).first()
            run_id = f"{line['id']}-{day:%Y%m%d}"
            if upcoming is None and session.get(CourseSession, run_id) is None:
                session.add(CourseSession(id=run_id, course_id=course["id"], starts_at=starts,
                                          minutes=int(line.get("minutes", 120)), location=line["location"],
                                          capacity=int(line["capacity"]), seats_taken=0, active=True))
    session.flush()
    return listed


def policy_rows(directory: Path) -> list[dict[str, Any]]:
    folder = directory / "policies"
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        for unit in read_yaml(path.name, folder).get("units", []):
            effective = unit.get("effective_date")
            rows.append(
                {
                    "id": unit["id"],
                    "title": unit["title"],
                    "answer": " ".join(unit["answer"].split()),
                    "source": unit["source"],
                    "effective_date": effective if isinstance(effective, date) or effective is None
                    else date.fromisoformat(str(effective)),
                    "scope": unit["scope"],
                    "tags": "|".join(str(t) for t in unit.get("tags", [])),  # YAML reads 12345 as a number
                    "questions": "\n".join(str(q) for q in unit.get("questions", [])),
                }
            )
    return rows


def load(session: Session, directory: Path | None = None, now: datetime | None = None) -> dict[str, int]:
    """Load every knowledge file; returns the number of rows listed per table. `now` dates the sample course runs."""
    directory = directory or settings.KNOWLEDGE_DIR
    counts: dict[str, int] = {}
    counts["streets"] = _sync(session, Street, _with_coordinates(read_csv("streets.csv", directory), "streets.csv"))
    communities = _with_coordinates(read_csv("communities.csv", directory), "communities.csv")
    counts["communities"] = _sync(
        session,
        Community,
        ({"id": c["id"], "street_id": c["street"], "name": c["name"], "service_centre": c["service_centre"],
          "lon": c["lon"], "lat": c["lat"]} for c in communities),
    )
    grid = _with_coordinates(read_csv("grid_stations.csv", directory), "grid_stations.csv")
    counts["grid_stations"] = _sync(
        session,
        GridStation,
        ({"id": g["id"], "community_id": g["community"], "name": g["name"], "lon": g["lon"], "lat": g["lat"]}
         for g in grid),
    )
    counts["stations"] = _sync(session, Station, station_rows(directory))
    counts["service_contacts"] = _sync(
        session,
        ServiceContact,
        ({"id": c["id"], "name": c["name"], "phone": str(c["phone"]), "hours": c["hours"], "note": c.get("note")}
         for c in read_yaml("hotline.yml", directory)["contacts"]),
    )
    counts["union_groups"] = _sync(
        session,
        UnionGroup,
        ({"id": g["id"], "name": g["name"], "industry": g["industry"], "street_id": g.get("street"),
          "description": g.get("description", "")} for g in read_yaml("union.yml", directory)["groups"]),
    )
    courses = read_yaml("training.yml", directory)["courses"]
    counts["courses"] = _sync(
        session,
        Course,
        ({"id": c["id"], "title": c["title"], "provider": c["provider"], "audience": c.get("audience", ""),
          "topics": " ".join(c.get("topics", [])), "cost": c.get("cost", ""), "description": c.get("description", "")}
         for c in courses),
    )
    counts["course_sessions"] = sample_runs(session, courses, now or datetime.now(timezone.utc))
    counts["report_categories"] = _sync(
        session,
        ReportCategory,
        ({"id": c["id"], "name": c["name"], "points": int(c["points"]), "description": c.get("description", "")}
         for c in read_yaml("reports.yml", directory)["categories"]),
    )
    counts["rewards"] = _sync(
        session,
        Reward,
        ({"id": r["id"], "name": r["name"], "kind": r["kind"], "points_cost": int(r["points_cost"]),
          "stock": int(r["stock"]), "street_id": r.get("street"), "description": r.get("description", "")}
         for r in read_yaml("points.yml", directory)["rewards"]),
        insert_only=("stock",),
    )
    counts["policy_units"] = _sync(session, PolicyUnit, policy_rows(directory))
    return counts
