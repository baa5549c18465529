"""Nearest-3 station search with filters on a synthetic national set (200,000 stations across China).

Stations are spread over 300 city clusters in mainland China with random amenities and hours like the district's;
queries are points near random stations, with a mix of filters (none, charging, microwave + open now, 24 hours).
"""
from __future__ import annotations

import random
import statistics
import time
from datetime import datetime

from nuanxin.station import geo
from nuanxin.station import index as stations

AMENITIES = ["饮水", "热水", "微波炉", "药箱", "充电", "休息", "厕所", "空调", "雨具", "WiFi", "换电", "午餐"]
HOURS = [(0, 1440), (480, 1200), (420, 1320), (540, 1260)]


def synthetic(n: int, rng: random.Random) -> list[stations.StationInfo]:
    cities = [(rng.uniform(22.0, 45.0), rng.uniform(100.0, 125.0)) for _ in range(300)]
    out = []
    for i in range(n):
        lat, lon = rng.choice(cities)
        lat, lon = geo.offset(lat, lon, rng.gauss(0, 8000), rng.gauss(0, 8000))
        kit = tuple(a for a in AMENITIES if rng.random() < 0.5)
        opens, closes = rng.choice(HOURS)
        out.append(stations.StationInfo(f"N{i}", f"站点{i}", "户外劳动者驿站", "地址", lat, lon, frozenset(kit), kit,
                                        opens, closes, ""))
    return out


def main() -> None:
    rng = random.Random(11)
    started = time.perf_counter()
    everything = synthetic(200_000, rng)
    index = stations.StationIndex(everything)
    print(f"200,000 stations: index built in {time.perf_counter() - started:.1f} s")
    now = datetime(2026, 11, 26, 22, 30, tzinfo=stations.CHINA_TIME)
    filters = {"no filter": {}, "charging": {"amenities": ["充电"]},
               "microwave, open at 22:30": {"amenities": ["微波炉"], "open_at": now}, "24 hours": {"all_day": True}}
    for label, kind in filters.items():
        times = []
        for _ in range(2000):
            s = rng.choice(everything)
            lat, lon = geo.offset(s.lat, s.lon, rng.uniform(-500, 500), rng.uniform(-500, 500))
            t0 = time.perf_counter()
            index.nearest(lat, lon, limit=3, **kind)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"nearest-3, {label}: median {statistics.median(times):.3f} ms, "
              f"p95 {times[int(0.95 * (len(times) - 1))]:.3f} ms")


if __name__ == "__main__":
    main()
