"""Answering policy questions from reviewed knowledge, with follow-ups in the context of the last topic.

A follow-up such as 那要交钱吗 or 需要什么材料 says little on its own; it is searched together with the title of the
unit answered last, and that reading wins when it matches better than the question alone.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from nuanxin import db, knowledge
from nuanxin.handoff import hotline
from nuanxin.masking import mask, without_contact_details
from nuanxin.models import UnansweredQuestion
from nuanxin.policy import search
from nuanxin.policy.search import Hit, PolicyIndex, Unit

log = logging.getLogger(__name__)
FOLLOW_UP = re.compile(r"^(那|那么|这个|这样|这|还有|另外|要|需要|需不需|去哪|在哪|哪里|多少|多久|多长|怎么办理"
                       r"|啥材料|什么材料|有什么条件|什么条件)")
SHORT = 3  # content words; fewer than this reads as a follow-up when there is a topic
RELATED = 3
# Hotline staff consult the assistant for a caller ("有个骑手来电问…"): the framing is not part of the question.
WHO = r"(?:骑手|小哥|师傅|司机|主播|快递员|外卖员|来电人|市民|群众|老乡|大哥|大姐)"
STAFF_FRAME = re.compile(
    rf"^(?:你好|您好)?[，, ]*(?:"
    rf"(?:刚才|这边)?(?:有个|有位|一个|一位){WHO}(?:打电话|来电|打进来)?(?:来)?(?:问|咨询|想问|想知道|反映|说)(?:一下|个事|下)?"
    rf"|帮(?:来电的?|打电话的)?{WHO}?(?:查|问|看)(?:一下|下)?"
    rf"|来电(?:的)?{WHO}?(?:问|咨询|想问)(?:一下|下)?"
    rf")[：:，, ]*")


@dataclass
class PolicyReply:
    """`best` is a confident answer; without one, `related` holds the closest questions worth offering and
    `closest` the best match however weak (what staff see next to an unanswered question)."""

    best: Hit | None
    related: list[Unit] = field(default_factory=list)
    closest: Hit | None = None

    @property
    def sure(self) -> bool:
        """A confident answer that is also clear enough to give without offering a person next to it."""
        return self.best is not None and self.best.confidence >= search.SURE_CONFIDENCE


def _is_follow_up(question: str) -> bool:
    return bool(FOLLOW_UP.match(question.strip())) or len(search.words(question)) < SHORT


def _in_context(index: PolicyIndex, question: str, last: Unit) -> Hit | None:
    """A follow-up read with the topic's title and tags standing in for what it leaves unsaid: another unit of the
    same topic (sharing a tag, or matched surely) when one answers it, else the topic's own unit, which may well
    hold the answer (男的能申请吗 about a loan whose unit says who can apply)."""
    hits = index.search(f"{last.title} {' '.join(last.tags)} {question}", limit=RELATED + 1)
    own = next((h for h in hits if h.unit.id == last.id), None)
    other = next((h for h in hits if h.unit.id != last.id), None)
    if other and other.confidence >= search.MIN_CONFIDENCE and (
            set(other.unit.tags) & set(last.tags) or other.confidence >= search.SURE_CONFIDENCE):
        return other
    return own if own and own.confidence >= search.MIN_CONFIDENCE else None


def respond(index: PolicyIndex, question: str, last_unit_id: str | None = None) -> PolicyReply:
    question = STAFF_FRAME.sub("", without_contact_details(question), count=1) or question
    best, others = index.answer(question, limit=RELATED + 1)
    closest = best or (others[0] if others else None)
    last = index.by_id.get(last_unit_id or "")
    if last and _is_follow_up(question):
        in_context = _in_context(index, question, last)
        if in_context and (best is None or best.confidence < search.SURE_CONFIDENCE
                           or in_context.confidence >= best.confidence):
            best, others = in_context, [h for h in index.search(f"{last.title} {question}", RELATED + 2)
                                        if h.unit.id != in_context.unit.id]
    if best is None:
        others = [h for h in others if h.confidence >= search.SUGGEST_CONFIDENCE]
    related = [h.unit for h in others if not best or h.unit.id != best.unit.id][:RELATED]
    return PolicyReply(best, related, closest)


def record_unanswered(session: Session, sender_id: str, channel: str, question: str,
                      reply: PolicyReply) -> UnansweredQuestion:
    """Keep the question (masked) for the staff who review knowledge/, with what came closest."""
    closest = reply.closest
    row = UnansweredQuestion(sender_id=sender_id, channel=channel, question=mask(question)[:500],
                             best_unit_id=closest.unit.id if closest else None,
                             best_confidence=closest.confidence if closest else None, status="open")
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Answer:
    """What the rider gets: a unit (sure, or only the closest match), or none with the hotline to ring; `related`
    are reviewed questions to offer as buttons."""

    unit: Unit | None
    related: list[Unit]
    sure: bool = False
    contact: dict[str, str] = field(default_factory=dict)


def answer(sender_id: str, channel: str, question: str, unit_id: str | None = None,
           last_unit_id: str | None = None) -> Answer:
    """Answer a question (or the unit a related-question button names); whatever is not answered with certainty
    is recorded for the staff who review knowledge/."""
    index = search.shared_index()
    if unit_id in index.by_id:
        unit = index.by_id[unit_id]
        reply = PolicyReply(Hit(unit, 1.0), [
            h.unit for h in index.search(unit.title, limit=RELATED + 1) if h.unit.id != unit.id][:RELATED])
    else:
        reply = respond(index, question, last_unit_id)
    try:
        with db.session_scope() as session:
            if not reply.sure:  # unanswered or only the closest match: both are work for the staff
                record_unanswered(session, sender_id, channel, question, reply)
            contact = hotline.contact(session) if reply.best is None else {}
    except SQLAlchemyError:  # the answer does not depend on the database; only the record for staff is lost
        log.exception("unanswered question could not be recorded")
        contact = hotline.contact_from_files()
    if reply.best is None:
        return Answer(None, reply.related, contact=contact)
    return Answer(reply.best.unit, reply.related, sure=reply.sure)


def follow_up(question: str, last_unit_id: str | None) -> Answer:
    """A message the classifier placed elsewhere, read as a follow-up of the last topic: answered only when that
    reading is sure, and never recorded as a knowledge gap (it may well not have been a question for us)."""
    index = search.shared_index()
    reply = respond(index, question, last_unit_id) if last_unit_id in index.by_id else PolicyReply(None)
    # The topic's own unit scores well on any message read with its title: repeating it is no answer here.
    if not reply.sure or reply.best.unit.id == last_unit_id:
        return Answer(None, [])
    return Answer(reply.best.unit, reply.related, sure=True)


@lru_cache(maxsize=1)
def _next_steps() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for unit in knowledge.read_yaml("union.yml")["membership"]["offered_after"]:
        found.setdefault(unit, []).append("apply_union")
    for unit in knowledge.read_yaml("training.yml")["offered_after"]:
        found.setdefault(unit, []).append("enroll_training")
    return {unit: tuple(steps) for unit, steps in found.items()}


def next_steps(unit_id: str) -> tuple[str, ...]:
    """What the rider can do at once after this answer (intents: apply_union, enroll_training), from knowledge/."""
    return _next_steps().get(unit_id, ())
