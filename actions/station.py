"""find_station, share_location, and the follow-ups (第二个怎么走, 还有别的吗, 有没有24小时的)."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nuanxin.station import gazetteer, geo
from nuanxin.station import index as stations
from nuanxin.station.index import Found

LOCATION, FILTERS, SHOWN = "last_location", "station_filters", "last_stations"


def _text(domain: dict[str, Any], response: str, **values: Any) -> str:
    """A response's text filled in, for replies assembled from several responses (all words stay in the domain)."""
    return domain["responses"][response][0]["text"].format(**values)


def _item(domain: dict[str, Any], rank: int, found: Found, now: datetime) -> str:
    station = found.station
    state, time = station.opening(now)
    return _text(domain, "utter_station_item", rank=rank, name=station.name, kind=station.kind,
                 distance=round(found.distance_m), ride_min=found.ride_min, walk_min=found.walk_min,
                 address=station.address, opening=_text(domain, f"utter_station_{state}", time=time),
                 amenities="、".join(station.amenity_list), phone=station.phone or "—",
                 map_url=geo.amap_link(station.lat, station.lon, station.name))


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


async def _show(dispatcher: CollectingDispatcher, domain: dict[str, Any], point: tuple[float, float], place: str,
                filters: dict[str, Any], exclude: list[str]) -> list[str]:
    index = await asyncio.to_thread(stations.shared_index)
    now = datetime.now(stations.CHINA_TIME)
    found, near = index.nearest(point[0], point[1], amenities=filters["amenities"], all_day=filters["all_day"],
                                open_at=now if filters["open_now"] else None, exclude=exclude)
    if not found:
        dispatcher.utter_message(response="utter_station_none")
        return []
    header = (_text(domain, "utter_station_header_near", place=place, count=len(found)) if near else
              _text(domain, "utter_station_header_far", place=place, radius=stations.RADIUS_M))
    items = [_item(domain, len(exclude) + i + 1, f, now) for i, f in enumerate(found)]
    dispatcher.utter_message(text="\n\n".join([header, *items]))
    return [f.station.id for f in found]


class ActionFindStation(Action):
    def name(self) -> str:
        return "action_find_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        shared = _location(tracker)
        if isinstance(shared, geo.BadLocation):
            dispatcher.utter_message(response=f"utter_location_{shared.value}")
            return []
        if shared:  # a location pin: use the wishes stated before it, if any
            point, place, filters = shared, _text(domain, "utter_station_your_location"), _filters(tracker)
        else:
            filters = {"amenities": sorted(stations.amenities_in(text)), "all_day": stations.wants_all_day(text),
                       "open_now": stations.wants_open_now(text)}
            named = gazetteer.shared().resolve(text) if not text.startswith("/") else None
            saved = _saved(tracker)
            if named:
                point, place = (named.lat, named.lon), named.name
            elif saved:
                point, place = saved, _text(domain, "utter_station_your_location")
            else:
                dispatcher.utter_message(response="utter_ask_location")
                return [SlotSet(FILTERS, json.dumps(filters, ensure_ascii=False))]
        shown = await _show(dispatcher, domain, point, place, filters, exclude=[])
        return [SlotSet(LOCATION, json.dumps(point)), SlotSet(FILTERS, json.dumps(filters, ensure_ascii=False)),
                SlotSet(SHOWN, shown)]


class ActionMoreStations(Action):
    def name(self) -> str:
        return "action_more_stations"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        point = _saved(tracker)
        if not point:
            dispatcher.utter_message(response="utter_ask_location")
            return []
        shown = list(tracker.get_slot(SHOWN) or [])
        more = await _show(dispatcher, domain, point, _text(domain, "utter_station_your_location"),
                           _filters(tracker), exclude=shown)
        return [SlotSet(SHOWN, shown + more)]


class ActionStationDirections(Action):
    def name(self) -> str:
        return "action_station_directions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        shown = list(tracker.get_slot(SHOWN) or [])
        point = _saved(tracker)
        if not shown or not point:
            dispatcher.utter_message(response="utter_ask_location")
            return []
        rank = stations.ordinal(tracker.latest_message.get("text") or "") or 1
        if rank > len(shown):
            dispatcher.utter_message(response="utter_station_which", count=len(shown))
            return []
        station = (await asyncio.to_thread(stations.shared_index)).by_id[shown[rank - 1]]
        found = Found(station, geo.distance_m(point[0], point[1], station.lat, station.lon))
        dispatcher.utter_message(
            response="utter_station_directions", name=station.name, address=station.address,
            distance=round(found.distance_m), ride_min=found.ride_min, walk_min=found.walk_min,
            map_url=geo.amap_link(station.lat, station.lon, station.name),
            json_message={"venue": {"latitude": station.lat, "longitude": station.lon, "title": station.name,
                                    "address": station.address}})
        return []
