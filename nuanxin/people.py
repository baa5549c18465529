"""Who is talking: one row per (channel, external id), created on first contact that needs storing."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db, forms
from nuanxin.models import Person, Street, utcnow

NAME = re.compile(r"^[\u4e00-\u9fff·]{2,15}$")
# A question typed where a name was asked ("那要钱吗") is not a name.
NOT_IN_NAMES = re.compile(r"[吗呢么嘛啥哪咋]|什么|怎么|多少|不是|可以|知道|报名|培训|工会|取消|改一下|错了|写错|不对"
                          r"|收到|继续|骑手|外卖|快递|司机|主播|小哥")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


def find(session: Session, channel: str, external_id: str) -> Person | None:
    """The person, when they were ever stored; a lookup creates no one."""
    return session.execute(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    ).scalar_one_or_none()


def get_or_create(session: Session, channel: str, external_id: str) -> Person:
    person = session.execute(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    ).scalar_one_or_none()
    if person is None:
        person = Person(channel=channel, external_id=external_id)
        session.add(person)
        session.flush()
    else:
        person.last_seen_at = utcnow()
    return person


NAME_SAID = re.compile(r"^(?:我叫|我是|名字叫|名字是|姓名是|姓名|名字|叫)[：:]?")


def valid_name(text: str) -> str | None:
    """"我叫吴海涛" → 吴海涛; a question or anything but 2–15 Chinese characters is no name."""
    name = NAME_SAID.sub("", re.sub(r"[\s。.!！~～]+", "", text))
    if forms.is_question(text) or forms.yes_or_no(text) or NOT_IN_NAMES.search(name):  # "好的" is no name
        return None
    return name if NAME.match(name) else None


def valid_phone(text: str) -> str | None:
    """A mainland mobile number, also inside words ("我手机139 1234 5678")."""
    text = text.translate(str.maketrans("０１２３４５６７８９＋", "0123456789+"))
    found = forms.PHONE.search(text)
    if found and len(re.sub(r"\D", "", text)) == len(re.sub(r"\D", "", found.group(0))):
        text = found.group(0)  # the only number in the message
    digits = re.sub(r"[\s\-]", "", text)
    return digits[-11:] if MOBILE.match(digits) else None


def street_id(text: str) -> str | None:
    """A street (镇/街道) named in full or without its suffix (青禾街道, 青禾), or typed with one wrong character
    as the whole answer (石乔镇 for 石桥镇, 西园街到 for 西园街道)."""
    with db.session_scope() as session:
        streets = session.execute(select(Street.id, Street.name)).all()
    answer = re.sub(r"\s+", "", text)
    for sid, name in streets:
        short = re.sub(r"(街道|镇)$", "", name)
        if name in text or (len(short) >= 2 and short in text):
            return sid
    for sid, name in streets:
        if len(answer) == len(name) >= 3 and sum(a != b for a, b in zip(answer, name)) == 1:
            return sid
    return None


def named_street(text: str) -> str | None:
    """The street's own name when the answer names one of the district's streets, else None."""
    sid = street_id(text)
    if sid is None:
        return None
    with db.session_scope() as session:
        return session.get(Street, sid).name
