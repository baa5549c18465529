"""Consult: what the assistant would answer a caller's question, for a hotline agent on the phone — read only:
nothing is recorded as an unanswered question and no rider's conversation is touched."""
from __future__ import annotations

from dataclasses import dataclass, field

from nuanxin.policy import answers, search
from nuanxin.station import gazetteer
from nuanxin.station import index as stations


@dataclass(frozen=True)
class Consultation:
    unit: search.Unit | None  # the answer the assistant would give, or the closest match when it is not sure
    sure: bool
    confidence: float | None
    next_best: list[search.Hit] = field(default_factory=list)
    place: str | None = None
    stations: list[stations.Found] = field(default_factory=list)


def consult(question: str) -> Consultation:
    index = search.shared_index()
    reply = answers.respond(index, question)
    hit = reply.best or reply.closest
    shown = hit.unit.id if hit else None
    next_best = [h for h in index.search(question, limit=4) if h.unit.id != shown][:3]
    place = gazetteer.shared().resolve(question)
    found: list[stations.Found] = []
    if place is not None:
        found, _ = stations.shared_index().nearest(place.lat, place.lon)
    return Consultation(hit.unit if hit else None, reply.sure, hit.confidence if hit else None, next_best,
                        place.name if place else None, found)
