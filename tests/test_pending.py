"""Capabilities not built yet answer honestly with the hotline, never with an invented answer."""
from __future__ import annotations

import pytest

from conftest import Assistant, texts
from nuanxin import knowledge

HOTLINE = next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == "district_hotline")


@pytest.mark.parametrize("message,topic", [
    ("我要加入工会", "在线入会"),
    ("网络主播第一课怎么报名", "培训报名"),
    ("小区门口井盖没了", "随手拍上报"),
    ("我上报的问题处理了吗", "上报进度"),
    ("我有多少积分", "积分查询"),
    ("积分能换什么", "积分兑换"),
])
def test_pending_capability_points_to_hotline(assistant: Assistant, sender: str, message: str, topic: str) -> None:
    reply = texts(assistant.say(sender, message))
    assert topic in reply and "上线准备中" in reply
    assert HOTLINE["phone"] in reply
