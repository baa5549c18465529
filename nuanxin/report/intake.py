"""Reading a report message: does it say what the problem is, and where.

One message is enough when it says both ("春风路和建设路口红绿灯不亮"); otherwise the form asks for what is missing.
A place inside a problem description is taken only when named exactly (a road crossing, a known name), never by
fuzzy matching, so a report is never filed at a guessed place; a place typed as the answer to "where?" may be fuzzy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nuanxin.report import categories
from nuanxin.station import gazetteer
from nuanxin.station import index as stations

# Words that ask to report without saying what: "我要上报一个问题", "城市哨兵报个情况".
GENERIC = re.compile(
    r"我要|我想|想要|帮我|麻烦|请|需要|上报|反映|举报|报告|报个|报一下|随手拍|提交|投诉|一下|一个|一件|问题|情况|事情|"
    r"隐患|城市哨兵|移动探头|哨兵|网格员|我是|我当|发现|有个|这里|这边|那边|拍了|照片|图片|张|给你们|你们|的|了|吗|呢|啊|吧")
NOT_FIXED = re.compile(r"没修|没有修|还没|没好|还是坏|还坏|又坏|没人修|没弄好|不行")
HERE = re.compile(r"就在这|就这|在这里|这儿|我这|当前位置|我的位置|定位")
MIN_DESCRIPTION_CHARS = 3


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    name: str


def describes_problem(text: str) -> bool:
    """The message says what is wrong: a category cue, or a few words beyond "I want to report"."""
    if text.startswith("/"):
        return False
    if categories.suggest(text).id != categories.OTHER:
        return True
    rest = re.sub(r"[^\u4e00-\u9fff]", "", GENERIC.sub("", text))
    return len(rest) >= MIN_DESCRIPTION_CHARS


def means_here(text: str) -> bool:
    """"就在这": the place is where the rider stands, which only a shared location can tell."""
    return bool(HERE.search(text))


def only_where(text: str) -> bool:
    """"就在这" or a bare place name: an answer to where, not to what."""
    if means_here(text) and len(re.sub(r"[^\u4e00-\u9fff]", "", HERE.sub("", text))) <= 2:
        return True
    return not describes_problem(text) or (locate(text, answer_to_where=False) is not None
                                           and categories.suggest(text).id == categories.OTHER
                                           and len(text) <= 12)


def says_not_fixed(text: str) -> bool:
    return bool(NOT_FIXED.search(text))


def locate(text: str, answer_to_where: bool) -> Located | None:
    if text.startswith("/"):
        return None
    place = gazetteer.shared().resolve(text, fuzzy=answer_to_where)
    return Located(place.lat, place.lon, place.name) if place else None


def in_district(lat: float, lon: float) -> bool:
    found, _ = stations.shared_index().nearest(lat, lon, limit=1)
    return bool(found) and found[0].distance_m <= stations.DISTRICT_REACH_M
