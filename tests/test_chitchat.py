"""Greeting, menu, goodbye, thanks, "are you a bot" and out-of-scope, through the real assistant."""
from __future__ import annotations

from conftest import Assistant, payloads, texts

MENU = {"/ask_policy", "/find_station", "/join_union", "/enroll_training", "/report_issue", "/check_points",
        "/ask_human"}


def test_greeting_offers_the_menu_as_buttons(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "你好")
    assert "暖新助手" in texts(replies)
    assert set(payloads(replies)) == MENU


def test_what_can_you_do_lists_the_services(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "你能做什么")
    assert "我可以帮您" in texts(replies)
    assert set(payloads(replies)) == MENU


def test_off_topic_question_is_declined_politely(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "今天股市怎么样"))
    assert "帮不上忙" in reply and "政策咨询" in reply


def test_bot_says_it_is_a_bot(assistant: Assistant, sender: str) -> None:
    assert "不是真人" in texts(assistant.say(sender, "你是机器人吗"))


def test_thanks_and_goodbye(assistant: Assistant, sender: str) -> None:
    assert "不客气" in texts(assistant.say(sender, "谢谢你"))
    assert "再见" in texts(assistant.say(sender, "拜拜"))


def test_menu_button_payload_is_understood(assistant: Assistant, sender: str) -> None:
    """A pressed button sends its payload; the assistant must act on it like on the typed request."""
    assert "工单号" in texts(assistant.say(sender, "/ask_human"))
