"""find_station, share_location, and the follow-ups on a list (第二个怎么走, 还有别的吗, 第三个几点关门,
第一个电话多少).

While the assistant waits for a location (slot `awaiting` = location, set when it asks), a place typed on its own is
read as the answer (a rule conditioned on that slot routes it here); the wishes stated with the request (charging,
24 hours) are kept for it.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nuanxin import responses
from nuanxin.station import gazetteer, geo
from nuanxin.station import index as stations
from nuanxin.station.index import Found, StationInfo

LOCATION, FILTERS, SHOWN = "last_location", "station_filters", "last_stations"
AWAITING, FOCUS = "awaiting", "station_focus"
# An off-topic message while we wait for a place is answered as off-topic when the classifier is this sure.
OFF_TOPIC_CONFIDENCE = 0.6


def _opening(station: StationInfo, now: datetime) -> str:
    state, time = station.opening(now)
    return responses.text(f"utter_station_{state}", time=time)


def _item(rank: int, found: Found, now: datetime) -> str:
    station = found.station
    return responses.text("utter_station_item", rank=rank, name=station.name, kind=station.kind,
                 distance=round(found.distance_m), ride_min=found.ride_min, address=station.address,
                 opening=_opening(station, now), amenities="、".join(station.amenity_list))


def _location(tracker: Tracker) -> tuple[float, float] | geo.BadLocation | None:
    latitude = next(tracker.get_latest_entity_values("latitude"), None)
    longitude = next(tracker.get_latest_entity_values("longitude"), None)
    if latitude is None and longitude is None:
        return None
    return geo.check(latitude, longitude)


def _saved(tracker: Tracker) -> tuple[float, float] | None:
    raw = tracker.get_slot(LOCATION)
    return tuple(json.loads(raw)) if raw else None  # type: ignore[return-value]


def _filters(tracker: Tracker) -> dict[str, Any]:
    raw = tracker.get_slot(FILTERS)
    return json.loads(raw) if raw else {"amenities": [], "all_day": False, "open_now": False}


def _rank(tracker: Tracker) -> int | None:
    """第二个 in the text, a button's rank entity, or None."""
    entity = next(tracker.get_latest_entity_values("rank"), None)
    if entity is not None and str(entity).isdigit():
        return int(entity)
    return stations.ordinal(tracker.latest_message.get("text") or "")


async def _show(dispatcher: CollectingDispatcher, point: tuple[float, float], place: str,
                filters: dict[str, Any], exclude: list[str]) -> list[str]:
    index = await asyncio.to_thread(stations.shared_index)
    now = datetime.now(stations.CHINA_TIME)
    found, near = index.nearest(point[0], point[1], amenities=filters["amenities"], all_day=filters["all_day"],
                                open_at=now if filters["open_now"] else None, exclude=exclude)
    if not found:
        dispatcher.utter_message(response="utter_station_none")
        return []
    if found[0].distance_m > stations.DISTRICT_REACH_M:
        dispatcher.utter_message(response="utter_location_outside_district", place=place,
                                 km=round(found[0].distance_m / 1000))
        return []
    header = (responses.text("utter_station_header_near", place=place, count=len(found)) if near else
              responses.text("utter_station_header_far", place=place, radius=stations.RADIUS_M))
    first = len(exclude) + 1
    items = [_item(first + i, f, now) for i, f in enumerate(found)]
    # The one obvious next step is the way there; details (phone, hours) come when asked.
    buttons = [{"title": responses.text("utter_station_go_button", rank=first + i),
                "payload": '/ask_directions{"rank": "%d"}' % (first + i)} for i in range(len(found))]
    buttons.append({"title": responses.text("utter_station_more_button"), "payload": "/more_stations"})
    dispatcher.utter_message(text="\n".join([header, *items]), buttons=buttons)
    return [f.station.id for f in found]


def _point_for(tracker: Tracker, text: str
               ) -> tuple[tuple[float, float] | geo.BadLocation | None, str]:
    """The location a message gives (a pin, else a place in words), and what to call it."""
    shared = _location(tracker)
    if shared is not None:
        return shared, responses.text("utter_station_your_location")
    named = gazetteer.shared().resolve(text) if not text.startswith("/") else None
    if named:
        return (named.lat, named.lon), named.name
    return None, ""


def _waiting() -> list[dict[str, Any]]:
    """Waiting for a location; the rules of nlu_data/station.yml name both featurized slots, so both are set."""
    return [SlotSet(AWAITING, "location"), SlotSet("topic", None)]


def _answered() -> list[dict[str, Any]]:
    return [SlotSet(AWAITING, None), SlotSet("topic", "station")]


class ActionFindStation(Action):
    def name(self) -> str:
        return "action_find_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent") or {}
        waiting = tracker.get_slot(AWAITING) == "location"
        point, place = _point_for(tracker, text)
        if isinstance(point, geo.BadLocation):
            dispatcher.utter_message(response=f"utter_location_{point.value}")
            return _answered()
        stated = {"amenities": sorted(stations.amenities_in(text)), "all_day": stations.wants_all_day(text),
                  "open_now": stations.wants_open_now(text)}
        # Wishes said with the request are kept for the location that answers "where are you?".
        filters = stated if any(stated.values()) or not (waiting or _location(tracker)) else _filters(tracker)
        if point is None:
            saved = _saved(tracker)
            if waiting and intent.get("name") != "find_station":
                if intent.get("name") == "out_of_scope" and intent.get("confidence", 0) >= OFF_TOPIC_CONFIDENCE:
                    dispatcher.utter_message(response="utter_out_of_scope")
                    return _answered()
                dispatcher.utter_message(response="utter_station_place_unknown")
                return _waiting()
            if not saved:
                dispatcher.utter_message(response="utter_ask_location")
                return [SlotSet(FILTERS, json.dumps(filters, ensure_ascii=False)), *_waiting()]
            point, place = saved, responses.text("utter_station_your_location")
        shown = await _show(dispatcher, point, place, filters, exclude=[])
        return [SlotSet(LOCATION, json.dumps(point)), SlotSet(FILTERS, json.dumps(filters, ensure_ascii=False)),
                SlotSet(SHOWN, shown), SlotSet(FOCUS, None), *_answered()]


class ActionMoreStations(Action):
    def name(self) -> str:
        return "action_more_stations"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        point = _saved(tracker)
        if not point:
            dispatcher.utter_message(response="utter_ask_location")
            return [SlotSet(AWAITING, "location")]
        shown = list(tracker.get_slot(SHOWN) or [])
        more = await _show(dispatcher, point, responses.text("utter_station_your_location"),
                           _filters(tracker), exclude=shown)
        return [SlotSet(SHOWN, shown + more)]


async def _listed(dispatcher: CollectingDispatcher, tracker: Tracker, fallback_rank: int | None
                  ) -> tuple[int, StationInfo, tuple[float, float]] | None:
    """The listed station a follow-up is about (its rank, else the one last talked about, else `fallback_rank`);
    None after telling the rider what is missing."""
    shown = list(tracker.get_slot(SHOWN) or [])
    point = _saved(tracker)
    if not shown or not point:
        dispatcher.utter_message(response="utter_ask_location")
        return None
    focus = tracker.get_slot(FOCUS)
    rank = _rank(tracker) or (int(focus) if focus else None) or fallback_rank
    if rank is None or rank > len(shown):
        dispatcher.utter_message(response="utter_station_which", count=len(shown))
        return None
    return rank, (await asyncio.to_thread(stations.shared_index)).by_id[shown[rank - 1]], point


class ActionStationDirections(Action):
    def name(self) -> str:
        return "action_station_directions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        listed = await _listed(dispatcher, tracker, fallback_rank=1)
        if listed is None:
            return []
        rank, station, point = listed
        found = Found(station, geo.distance_m(point[0], point[1], station.lat, station.lon))
        dispatcher.utter_message(
            response="utter_station_directions", name=station.name, address=station.address,
            distance=round(found.distance_m), ride_min=found.ride_min, walk_min=found.walk_min,
            map_url=geo.amap_link(station.lat, station.lon, station.name),
            json_message={"venue": {"latitude": station.lat, "longitude": station.lon, "title": station.name,
                                    "address": station.address}})
        return [SlotSet(FOCUS, rank)]


class ActionStationDetail(Action):
    """第三个几点关门 / 第一个能上厕所不 / 那里能换电池不 / 第二个电话多少 / 第二个呢 (the same question again)."""

    def name(self) -> str:
        return "action_station_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        listed = await _listed(dispatcher, tracker, fallback_rank=None)
        if listed is None:
            return []
        rank, station, _ = listed
        text = tracker.latest_message.get("text") or ""
        asked = stations.detail_asked(text) or tracker.get_slot("station_question") or "summary"
        now = datetime.now(stations.CHINA_TIME)
        if asked == "phone":
            dispatcher.utter_message(response="utter_station_phone", rank=rank, name=station.name,
                                     phone=station.phone or "—")
        elif asked == "hours":
            dispatcher.utter_message(response="utter_station_hours", rank=rank, name=station.name,
                                     hours=station.hours_text, opening=_opening(station, now))
        elif asked == "summary":
            dispatcher.utter_message(text=responses.text("utter_station_summary", rank=rank, name=station.name,
                                                address=station.address, opening=_opening(station, now),
                                                amenities="、".join(station.amenity_list),
                                                phone=station.phone or "—"))
        else:  # an amenity
            has = asked in station.amenities
            dispatcher.utter_message(response="utter_station_has" if has else "utter_station_has_not", rank=rank,
                                     name=station.name, amenity=asked, amenities="、".join(station.amenity_list))
        return [SlotSet(FOCUS, rank), SlotSet("station_question", asked)]
