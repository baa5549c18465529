"""Mask personal information before it reaches logs, staff views or stored excerpts."""
from __future__ import annotations

import re

# +86 / 86 (Telegram contacts), spaces or dashes between the groups (138 1234 5678, 138-1234-5678)
PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
ID_CARD = re.compile(r"(?<![0-9Xx])(\d{6})[ -]?\d{8}[ -]?(\d{3}[0-9Xx])(?![0-9Xx])")  # 6-8-4, spaces allowed
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4}(\d{3,4})(?!\d)")


# "我电话是138…" / "身份证号：…": the number with the words that introduce it.
CONTACT = re.compile(r"(?:我的?|本人)?(?:联系)?(?:电话|手机号?|号码|联系方式|身份证号?)?(?:号码)?(?:是|为)?[:：]?\s*"
                     f"(?:{ID_CARD.pattern}|{PHONE.pattern}|{LANDLINE.pattern})")


def without_contact_details(text: str) -> str:
    """The question without the phone or ID number a user added to it: 我电话138… says nothing about hotlines."""
    return CONTACT.sub(" ", text).strip()


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")


def mask(text: str) -> str:
    """138****5678 keeps enough for a person to recognise their own number and nothing more. Full-width digits
    (typed with a Chinese input method) are read as digits first."""
    text = text.translate(FULL_WIDTH_DIGITS)
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_name(name: str | None) -> str:
    """王小明 -> 王**; staff see that a name was given, not the name."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
