"""Nearest stations: geometry, opening hours, filters, place names, and the conversation around them."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from conftest import Assistant, payloads, texts
from nuanxin import db, knowledge
from nuanxin.models import HandoffTicket, Station
from nuanxin.station import gazetteer, geo
from nuanxin.station import index as stations

ROWS = knowledge.station_rows()
BY_NAME = {r["name"]: r for r in ROWS}


def _index(url: str) -> stations.StationIndex:
    with db.session_scope(url) as session:
        return stations.StationIndex(stations.from_rows(session.execute(select(Station)).scalars()))


# --- geometry ------------------------------------------------------------------------------------------------

def test_gcj02_matches_published_reference_points() -> None:
    # wandergis/coordtransform test/app.js: wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164]
    lat, lon = geo.wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9) and lon == pytest.approx(116.41024449916938, abs=1e-9)
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)  # outside China: no shift
    shifted = geo.wgs84_to_gcj02(31.5721, 120.3312)
    assert 100 < geo.distance_m(31.5721, 120.3312, *shifted) < 1000  # GCJ-02 moves points by hundreds of metres


def test_amap_link_uses_gcj02() -> None:
    link = geo.amap_link(39.915, 116.404, "暖蜂小筑")
    assert "position=116.410244,39.916404" in link and "name=%E6%9A%96" in link


@pytest.mark.parametrize("lat,lon,problem", [
    ("abc", 120.3, geo.BadLocation.INVALID), (95, 120.3, geo.BadLocation.INVALID),
    (float("nan"), 1, geo.BadLocation.INVALID), (0, 0, geo.BadLocation.ZERO),
    (48.8566, 2.3522, geo.BadLocation.OUTSIDE_CHINA),
])
def test_bad_coordinates_are_recognised(lat: object, lon: object, problem: geo.BadLocation) -> None:
    assert geo.check(lat, lon) is problem


def test_every_station_is_found_first_from_50_metres_away(db_url: str) -> None:
    index = _index(db_url)
    assert len(index.stations) == 124
    for row in ROWS:
        for bearing in range(0, 360, 45):
            lat, lon = geo.offset(row["lat"], row["lon"], 50 * math.cos(math.radians(bearing)),
                                  50 * math.sin(math.radians(bearing)))
            found, near = index.nearest(lat, lon)
            assert near and found[0].station.id == row["id"] and found[0].distance_m == pytest.approx(50, abs=1)


def test_filters_and_opening_hours(db_url: str) -> None:
    index = _index(db_url)
    centre = (31.5721, 120.3312)
    charging, _ = index.nearest(*centre, amenities=["充电"], limit=3)
    assert charging and all("充电" in f.station.amenities for f in charging)
    late = datetime(2026, 11, 26, 23, 0, tzinfo=stations.CHINA_TIME)
    open_late, _ = index.nearest(*centre, open_at=late, limit=3)
    assert open_late and all(f.station.is_open(late) for f in open_late)
    all_day, _ = index.nearest(*centre, all_day=True, limit=3)
    assert all_day and all(f.station.all_day for f in all_day)


def test_far_away_gets_the_nearest_anyway(db_url: str) -> None:
    found, near = _index(db_url).nearest(31.95, 120.95)  # tens of kilometres from the district
    assert not near and len(found) == 1 and found[0].distance_m > stations.RADIUS_M


def test_a_station_closing_at_2000_is_not_open_at_2300() -> None:
    station = stations.from_rows([Station(id="X", name="测试站", kind="暖蜂小筑", address="路", lat=31.5, lon=120.3,
                                          amenities="充电", hours="08:00-20:00", phone="")])[0]
    assert not station.is_open(datetime(2026, 11, 26, 23, 0, tzinfo=stations.CHINA_TIME))
    assert station.is_open(datetime(2026, 11, 26, 12, 0, tzinfo=stations.CHINA_TIME))
    assert station.opening(datetime(2026, 11, 26, 23, 0, tzinfo=stations.CHINA_TIME)) == ("tomorrow", "08:00")
    assert station.opening(datetime(2026, 11, 26, 6, 0, tzinfo=stations.CHINA_TIME)) == ("later_today", "08:00")
    # 15:00 UTC is 23:00 in China
    assert not station.is_open(datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc))


@pytest.mark.parametrize("text,expected", [
    ("我在东糊街道", "东湖街道"), ("万象汇附近", "万象汇"), ("人民路和建设路路口", "人民路与建设路路口"),
    ("枫梅园社区附近", "枫梅苑社区"),
])
def test_place_names_with_typos_resolve(text: str, expected: str) -> None:
    assert gazetteer.shared().resolve(text).name == expected


# --- through the assistant ----------------------------------------------------------------------------------

def _share(assistant: Assistant, sender: str, lat: float, lon: float) -> str:
    return texts(assistant.say(sender, "/share_location" + json.dumps({"latitude": lat, "longitude": lon})))


def _custom(replies: list[dict]) -> dict:
    """Rasa's REST channel sends a response's custom payload as a message of its own."""
    return next(r["custom"] for r in replies if "custom" in r)


def _listed(reply: str) -> list[str]:
    return re.findall(r"^\d+\. (.+?)（", reply, flags=re.M)


def test_location_50m_from_a_station_lists_it_first(assistant: Assistant, sender: str) -> None:
    row = ROWS[17]
    lat, lon = geo.offset(row["lat"], row["lon"], 30, 40)
    replies = assistant.say(sender, "/share_location" + json.dumps({"latitude": lat, "longitude": lon}))
    reply = texts(replies)
    assert _listed(reply)[0] == row["name"] and "约 50 米" in reply
    # one phone screen: no long links in the list; the way there is one tap away
    assert "uri.amap.com" not in reply and len(reply.splitlines()) <= 13
    assert payloads(replies)[0] == '/ask_directions{"rank": "1"}'
    assert "uri.amap.com" in texts(assistant.say(sender, payloads(replies)[0]))


def test_charging_wish_then_location_lists_only_charging(assistant: Assistant, sender: str) -> None:
    asked = assistant.say(sender, "附近哪里能充电")
    assert "发送您的位置" in texts(asked) and _custom(asked)["request_location"] is True
    reply = _share(assistant, sender, 31.5721, 120.3312)
    names = _listed(reply)
    assert names and all("充电" in BY_NAME[n]["amenities"].split("|") for n in names)


def test_follow_ups_directions_more_and_all_day(assistant: Assistant, sender: str) -> None:
    first = _listed(_share(assistant, sender, 31.5803, 120.3655))
    directions = assistant.say(sender, "第二个怎么走")
    assert first[1] in texts(directions) and _custom(directions)["venue"]["title"] == first[1]
    more = texts(assistant.say(sender, "还有别的吗"))
    assert re.search(r"^4\. ", more, flags=re.M) and not set(_listed(more)) & set(first)
    all_day = _listed(texts(assistant.say(sender, "有没有24小时的")))
    assert all_day and all(BY_NAME[n]["hours"] == "00:00-24:00" for n in all_day)


def test_place_name_with_a_typo(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "我在东糊街道 附近有驿站吗"))
    assert "离东湖街道最近的" in reply and len(_listed(reply)) == 3


@pytest.mark.parametrize("lat,lon,expected", [(0, 0, "还没定位成功"), (48.8566, 2.3522, "不在国内"),
                                              (123, 456, "位置好像不对")])
def test_bad_coordinates_get_a_clear_reply(assistant: Assistant, sender: str, lat: float, lon: float,
                                          expected: str) -> None:
    assert expected in _share(assistant, sender, lat, lon)


# --- conversations: what the assistant waits for changes how the next message is read ------------------------

def test_a_place_typed_after_where_are_you_is_the_answer(assistant: Assistant, sender: str) -> None:
    assert "发送您的位置" in texts(assistant.say(sender, "附近哪里能充电"))
    reply = texts(assistant.say(sender, "万象汇"))
    names = _listed(reply)
    assert "离万象汇最近的" in reply and names  # the wish said with the request is kept
    assert all("充电" in BY_NAME[n]["amenities"].split("|") for n in names)


@pytest.mark.parametrize("place,expected", [("我在西园街道", "西园街道"), ("运河公园这边", "运河公园"),
                                            ("人民路和建设路路口", "人民路与建设路路口")])
def test_other_ways_of_naming_the_place(assistant: Assistant, sender: str, place: str, expected: str) -> None:
    assistant.say(sender, "最近的驿站在哪")
    assert f"离{expected}最近的" in texts(assistant.say(sender, place))


def test_something_else_while_waiting_is_answered_as_itself(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "附近有驿站吗")
    assert "来源：" in texts(assistant.say(sender, "骑手七不公约是哪七条"))  # a new topic is a new topic
    assert "帮不上忙" in texts(assistant.say(sender, "今天股市怎么样"))


def test_details_of_listed_stations(assistant: Assistant, sender: str) -> None:
    first = _listed(_share(assistant, sender, 31.5803, 120.3655))
    hours = texts(assistant.say(sender, "第三个几点关门"))
    assert first[2] in hours and "开放时间" in hours
    phone = texts(assistant.say(sender, "第一个电话多少"))
    assert first[0] in phone and BY_NAME[first[0]]["phone"] in phone
    again = texts(assistant.say(sender, "第二个呢"))  # the same question about another one
    assert first[1] in again and BY_NAME[first[1]]["phone"] in again
    toilet = texts(assistant.say(sender, "那里能上厕所不"))  # 那里: the one last talked about
    has = "厕所" in BY_NAME[first[1]]["amenities"].split("|")
    assert first[1] in toilet and (("有厕所" in toilet) if has else ("没有厕所" in toilet))
    with db.session_scope(assistant.database_url) as session:  # asking for a number is not asking for a person
        assert not session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender)).first()


def test_a_location_outside_the_district(assistant: Assistant, sender: str) -> None:
    reply = _share(assistant, sender, 31.2304, 121.4737)  # Shanghai
    assert "不在青禾区" in reply and not _listed(reply) and "米" not in reply.split("公里")[-1]


def test_other_matters_with_district_words_are_not_station_requests(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "青禾区哪里租房便宜点"))
    assert not _listed(reply) and "帮不上忙" in reply
