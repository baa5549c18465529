"""What a patient person hears in a rider's message while filling in a form: yes or no in the rider's own words
("对 提交吧", "算了不用"), which field a correction is about ("电话写错了，是139…", "名字改一下") and the new value
when it is given."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Field names as riders say them, most specific first ("身份证号" is not the phone's "号").
FIELD_WORDS = (
    ("id_number", ("身份证", "证件号")),
    ("phone", ("电话", "手机", "号码", "联系方式")),
    ("name", ("名字", "姓名", "名儿")),
    ("occupation", ("行业", "平台", "职业", "工作", "干的")),
    ("street", ("街道", "地址", "住址", "镇")),
    ("session", ("场次", "哪场", "那场", "一场", "时间", "课")),
)
VALUE_AFTER = re.compile(r"^.*(?:应该是|改成|改为|换成|写成|更正为|是|为|：|:)\s*(.+)$")
PHONE = re.compile(r"(?:\+?86)?1[3-9]\d(?:[\s-]?\d){8}")
ID_NUMBER = re.compile(r"\d{6}\s?\d{8}\s?\d{3}[\dXx]")


NO = re.compile(r"不用|不要|不同意|不行|不对|不是|不想|不了|别|算了|没有")
YES = re.compile(r"^(?:好|行|对|是|嗯|可以|同意|确认|确定|提交|没问题|没错|ok|yes|可|中|要)"
                 r"|提交吧|没问题|同意|对了|没错|可以了|就这样|没毛病", re.I)


QUESTION = re.compile(r"[吗呢么嘛?？]\s*$|[不没]\s*[?？]?\s*$|什么|啥|怎么|咋|多少|哪|几[点号天个]"
                      r"|能不能|可不可以|是不是|有没有|要不要|会不会|行不行")


def is_question(text: str) -> bool:
    """"入会要交钱不", "在哪上课": a question typed where an answer was expected."""
    return bool(QUESTION.search(text.strip()))


def yes_or_no(text: str) -> str | None:
    """"对 提交吧" → yes, "不用了" → no, anything else None: a short answer to a yes/no question, read by its words
    when the classifier did not place it."""
    text = text.strip()
    if len(text) > 12:
        return None
    if re.search(r"没有?问题|没毛病|没错", text):
        return "yes"
    if NO.search(text):
        return "no"
    return "yes" if YES.search(text) else None


STUCK_AFTER = 3  # wrong answers in a row before the hotline is offered


def stuck(misses: int) -> bool:
    """Enough wrong answers in a row that a person should offer another way: the hotline, or leaving."""
    return misses >= STUCK_AFTER


CUE = re.compile(r"错|改|不对|不是|换")


@dataclass(frozen=True)
class Correction:
    field: str | None  # None: the rider did not say which
    value: str | None  # None: no new value given ("名字改一下"): the field is asked again
    cued: bool = False  # the words say it is a correction ("写错了", "改成"), not just a field's name


def correction(text: str) -> Correction:
    """"电话写错了，是13912345678" → (phone, 13912345678); "名字改一下" → (name, None)."""
    field = next((name for name, words in FIELD_WORDS if any(w in text for w in words)), None)
    cued = bool(CUE.search(text))
    if (number := ID_NUMBER.search(text)) and field in (None, "id_number"):
        return Correction("id_number", number.group(0), cued)
    if (number := PHONE.search(text)) and field in (None, "phone"):
        return Correction("phone", number.group(0), cued)
    after = VALUE_AFTER.search(text)  # the last separator: "不是东湖，是青禾" → 青禾
    value = re.sub(r"[。.!！~～，,\s]+$", "", after.group(1)).strip() if after else ""
    if not value and cued and field:  # "街道不对 我主要在万象街道跑": the new value is among the words
        value = text
    return Correction(field, value or None, cued)
