"""Coordinates: validation, distances, and WGS-84 -> GCJ-02 for Chinese map links.

Phones and our data use WGS-84; Amap (and every map service in mainland China) expects GCJ-02, which shifts a
point by up to a few hundred metres. The conversion is the public algorithm every Chinese map SDK implements;
no maintained Python package offers it, so it lives here with tests against published reference points.
"""
from __future__ import annotations

import math
from enum import Enum
from urllib.parse import quote

EARTH_RADIUS_M = 6_371_008.8
# Mainland China, roughly; GCJ-02 is defined only there.
CHINA_LON = (73.66, 135.05)
CHINA_LAT = (3.86, 53.55)
_A = 6378245.0
_EE = 0.00669342162296594323


class BadLocation(str, Enum):
    INVALID = "invalid"
    ZERO = "zero"
    OUTSIDE_CHINA = "outside_china"


def in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def check(latitude: object, longitude: object) -> tuple[float, float] | BadLocation:
    """(lat, lon) as floats, or why they cannot be used."""
    try:
        lat, lon = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return BadLocation.INVALID
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return BadLocation.INVALID
    if abs(lat) < 1e-6 and abs(lon) < 1e-6:
        return BadLocation.ZERO  # what a phone sends when it has no fix
    if not in_china(lat, lon):
        return BadLocation.OUTSIDE_CHINA
    return lat, lon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The point `north_m` metres north and `east_m` east of (lat, lon)."""
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not in_china(lat, lon):
        return lat, lon
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lon + dlon


def amap_link(lat: float, lon: float, name: str) -> str:
    """A marker link that opens the Amap app (or its web page) at the point; Amap wants GCJ-02."""
    glat, glon = wgs84_to_gcj02(lat, lon)
    return (f"https://uri.amap.com/marker?position={glon:.6f},{glat:.6f}&name={quote(name)}"
            f"&coordinate=gaode&callnative=1")
