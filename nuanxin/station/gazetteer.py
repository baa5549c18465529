"""Places in words -> coordinates, offline: streets, communities, stations, landmarks, roads and crossings.

Names come from knowledge/ (the station list gives the roads: a road's point is the middle of the stations on it;
a crossing of two roads is the midpoint of their closest stations). Typos are forgiven by fuzzy matching
(RapidFuzz), but only for names of four characters or more, so short words do not match by accident.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from nuanxin import knowledge, settings
from nuanxin.station import geo

SUFFIXES = ("社区党群服务中心", "党群服务中心", "街道", "社区", "镇", "驿站", "站")
ROAD = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:大道|路|街))")
FUZZY_CUTOFF = 75  # one wrong character in a four-character name (东糊街道) still matches
FUZZY_MIN_CHARS = 4


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float


class Gazetteer:
    def __init__(self, places: list[Place], roads: dict[str, list[tuple[float, float]]]) -> None:
        self.aliases: dict[str, Place] = {}
        for place in places:
            for alias in _aliases(place.name):
                self.aliases.setdefault(alias, place)
        self.roads = roads

    def resolve(self, text: str, fuzzy: bool = True) -> Place | None:
        """The place the text names, preferring a road crossing, then the longest exact name, then (unless the text
        says more than where, as a report does) a fuzzy one."""
        text = text.replace(" ", "")
        crossing = self._crossing(text)
        if crossing:
            return crossing
        exact = [alias for alias in self.aliases if alias in text]
        if exact:
            return self.aliases[max(exact, key=len)]
        road = next((r for r in self.roads if r in text), None)
        if road:
            points = self.roads[road]
            return Place(road, sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        if not fuzzy:
            return None
        choices = [a for a in self.aliases if len(a) >= FUZZY_MIN_CHARS]
        match = process.extractOne(text, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF)
        return self.aliases[match[0]] if match else None

    def _crossing(self, text: str) -> Place | None:
        named = [r for r in self.roads if r in text]
        if len(named) < 2:
            return None
        a, b = self.roads[named[0]], self.roads[named[1]]
        p, q = min(((p, q) for p in a for q in b), key=lambda pq: geo.distance_m(*pq[0], *pq[1]))
        return Place(f"{named[0]}与{named[1]}路口", (p[0] + q[0]) / 2, (p[1] + q[1]) / 2)


def _aliases(name: str) -> set[str]:
    names = {name, name.replace("·", "")}
    for part in name.split("·"):
        names.add(part)
    out = set(names)
    for n in names:
        for suffix in SUFFIXES:
            if n.endswith(suffix) and len(n) - len(suffix) >= 2:
                out.add(n[: -len(suffix)])
    return {a for a in out if len(a) >= 2 and a not in ("暖蜂小筑", "小哥驿站", "青年会客厅", "暖新食堂")}


def build(directory: Path | None = None) -> Gazetteer:
    directory = directory or settings.KNOWLEDGE_DIR
    tables = {name: knowledge.read_csv(name, directory)
              for name in ("stations.csv", "communities.csv", "grid_stations.csv", "streets.csv")}
    places: list[Place] = []
    for rows in tables.values():
        for row in rows:
            places.append(Place(row["name"], float(row["lat"]), float(row["lon"])))
            if row.get("service_centre"):
                places.append(Place(row["service_centre"], float(row["lat"]), float(row["lon"])))
    for mark in knowledge.read_yaml("landmarks.yml", directory)["landmarks"]:
        for name in [mark["name"], *mark.get("aliases", [])]:
            places.append(Place(name, mark["lat"], mark["lon"]))
    roads: dict[str, list[tuple[float, float]]] = defaultdict(list)
    street_names = sorted((r["name"] for r in tables["streets.csv"]), key=len, reverse=True)
    for row in tables["stations.csv"]:
        address = row["address"]
        for street in street_names:
            address = address.replace(street, "", 1)
        match = ROAD.match(address)
        if match:
            roads[match.group(1)].append((float(row["lat"]), float(row["lon"])))
    return Gazetteer(places, dict(roads))


@lru_cache(maxsize=1)
def shared() -> Gazetteer:
    return build()
