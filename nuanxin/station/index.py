"""Nearest open stations: a spatial index, opening hours in China time, amenity filters.

Stations sit in a k-d tree over unit-sphere coordinates (SciPy), so nearest-k stays fast far beyond the
district's 124 stations (national scale is ~186,000 outdoor-worker stations). Filters are applied to growing
batches of nearest candidates until enough stations pass.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import select

from nuanxin import db, knowledge, numbering
from nuanxin.knowledge import parse_hours
from nuanxin.models import Station
from nuanxin.station import geo

CHINA_TIME = numbering.CHINA_TIME
RADIUS_M = 3000  # "nearby" for a rider: about ten minutes by e-bike
# Farther than this from every station is outside the district: a list of stations there would only mislead.
DISTRICT_REACH_M = 10_000
WALK_M_PER_MIN = 75
RIDE_M_PER_MIN = 250  # e-bike in town, lights included
DETOUR = 1.3  # streets are longer than the straight line


@dataclass(frozen=True)
class StationInfo:
    id: str
    name: str
    kind: str
    address: str
    lat: float
    lon: float
    amenities: frozenset[str]
    amenity_list: tuple[str, ...]
    opens: int  # minutes after midnight
    closes: int
    phone: str

    @property
    def all_day(self) -> bool:
        return self.opens == 0 and self.closes == 24 * 60

    @property
    def hours_text(self) -> str:
        return f"{_hhmm(self.opens)}-{_hhmm(self.closes)}"

    def is_open(self, now: datetime) -> bool:
        return self.all_day or self.opens <= _minute_of_day(now) < self.closes

    def opening(self, now: datetime) -> tuple[str, str]:
        """(state, HH:MM): ("all_day", ""), ("open", closing time), ("later_today" | "tomorrow", opening time)."""
        if self.all_day:
            return "all_day", ""
        if self.is_open(now):
            return "open", _hhmm(self.closes)
        return ("later_today" if _minute_of_day(now) < self.opens else "tomorrow"), _hhmm(self.opens)


def _minute_of_day(now: datetime) -> int:
    local = now.astimezone(CHINA_TIME)
    return local.hour * 60 + local.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Found:
    station: StationInfo
    distance_m: float

    @property
    def walk_min(self) -> int:
        return max(1, math.ceil(self.distance_m * DETOUR / WALK_M_PER_MIN))

    @property
    def ride_min(self) -> int:
        return max(1, math.ceil(self.distance_m * DETOUR / RIDE_M_PER_MIN))


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


class StationIndex:
    def __init__(self, stations: Sequence[StationInfo]) -> None:
        self.stations = list(stations)
        self.by_id = {s.id: s for s in self.stations}
        self._tree = cKDTree(_xyz(np.array([s.lat for s in self.stations]), np.array([s.lon for s in self.stations])))

    def nearest(self, lat: float, lon: float, limit: int = 3, amenities: Iterable[str] = (),
                open_at: datetime | None = None, all_day: bool = False, exclude: Iterable[str] = (),
                radius_m: float = RADIUS_M) -> tuple[list[Found], bool]:
        """Up to `limit` matching stations within `radius_m`, nearest first, and True; when none is that close,
        the nearest matching one anyway and False."""
        wanted, skip = frozenset(amenities), set(exclude)

        def ok(station: StationInfo) -> bool:
            return (station.id not in skip and wanted <= station.amenities and (not all_day or station.all_day)
                    and (open_at is None or station.is_open(open_at)))

        point = _xyz(np.array([lat]), np.array([lon]))[0]
        found: list[Found] = []
        k = min(len(self.stations), max(16, limit * 4))
        while True:
            _, indices = self._tree.query(point, k=k)
            found = [Found(self.stations[i], geo.distance_m(lat, lon, self.stations[i].lat, self.stations[i].lon))
                     for i in np.atleast_1d(indices) if i < len(self.stations) and ok(self.stations[i])]
            if len(found) >= limit or k >= len(self.stations):
                break
            k = min(len(self.stations), k * 4)
        near = [f for f in found if f.distance_m <= radius_m][:limit]
        return (near, True) if near else (found[:1], False)


def from_rows(rows: Iterable[Station]) -> list[StationInfo]:
    out = []
    for row in rows:
        opens, closes = parse_hours(row.hours)
        amenity_list = tuple(a for a in row.amenities.split("|") if a)
        out.append(StationInfo(row.id, row.name, row.kind, row.address, row.lat, row.lon, frozenset(amenity_list),
                               amenity_list, opens, closes, row.phone or ""))
    return out


_index: StationIndex | None = None


def shared_index() -> StationIndex:
    """The index over the database's active stations, built on first use (knowledge/ is reloaded at start)."""
    global _index
    if _index is None:
        with db.session_scope() as session:
            _index = StationIndex(from_rows(session.execute(
                select(Station).where(Station.active.is_(True)).order_by(Station.id)).scalars()))
    return _index


# --- reading a rider's wishes from the message --------------------------------------------------------------

ALL_DAY = re.compile(r"24\s*小时|二十四小时|通宵|全天|半夜|深夜|凌晨")
OPEN_NOW = re.compile(r"现在.{0,3}开|还开着|开着的|开门的|营业中|还营业")
ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
            "6": 6}
ORDINAL = re.compile(r"第\s*([一二两三四五六1-6])|([1-6])\s*号|([一二三四五六1-6])\s*个")


@lru_cache(maxsize=1)
def _amenity_words() -> list[tuple[str, str]]:
    """(word, amenity) pairs, longest words first so 电动车充电 wins over 充电."""
    pairs = [(word.lower(), canonical)
             for canonical, synonyms in knowledge.read_yaml("amenities.yml")["amenities"].items()
             for word in [canonical, *synonyms]]
    return sorted(pairs, key=lambda p: -len(p[0]))


def amenities_in(text: str) -> set[str]:
    found, rest = set(), text.lower()
    for word, canonical in _amenity_words():
        if word in rest:
            found.add(canonical)
            rest = rest.replace(word, " ")
    return found


def wants_all_day(text: str) -> bool:
    return bool(ALL_DAY.search(text))


def wants_open_now(text: str) -> bool:
    return bool(OPEN_NOW.search(text))


HOURS_ASKED = re.compile(r"几点|开门|关门|营业|开到|开放时间|时间|还开|关了")
PHONE_ASKED = re.compile(r"电话|号码|联系方式|打过去")  # not 手机: 能给手机充电吗 asks about charging


def detail_asked(text: str) -> str | None:
    """What a follow-up asks about a listed station: "phone", "hours", an amenity, or None (第二个呢)."""
    if PHONE_ASKED.search(text):
        return "phone"
    if HOURS_ASKED.search(text):
        return "hours"
    found = amenities_in(text)
    return sorted(found)[0] if found else None


def ordinal(text: str) -> int | None:
    """第二个 / 2号 / 第3 -> 2, 2, 3; 最近的 -> 1."""
    match = ORDINAL.search(text)
    if match:
        return ORDINALS[next(g for g in match.groups() if g)]
    return 1 if "最近" in text else None
