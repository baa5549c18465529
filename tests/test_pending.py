"""Capabilities not built yet answer honestly with the hotline, never with an invented answer."""
from __future__ import annotations

import pytest

from conftest import Assistant, texts
from nuanxin import knowledge

HOTLINE = next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == "district_hotline")


@pytest.mark.parametrize("message,topic", [
    ("网络主播第一课怎么报名", "培训报名"),
])
def test_pending_capability_points_to_hotline(assistant: Assistant, sender: str, message: str, topic: str) -> None:
    reply = texts(assistant.say(sender, message))
    assert topic in reply and "上线准备中" in reply
    assert HOTLINE["phone"] in reply
