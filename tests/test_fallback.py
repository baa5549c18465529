"""Bad input gets a clear Chinese reply, never a crash, and nothing is stored for it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from conftest import Assistant, texts
from nuanxin import db, fallback
from nuanxin.fallback import Problem
from nuanxin.models import HandoffTicket, Person

BAD_INPUT = [
    ("", "空消息"),
    ("   ", "空消息"),
    ("😀😀👍", "表情或符号"),
    ("？？？！！。。", "表情或符号"),
    ("好" * 5000, "消息有点长"),
    ("where is the nearest rest station please", "只能看懂中文"),
    ("'; DROP TABLE people; --", "只能看懂中文"),
    ("<script>alert('x')</script>", "只能看懂中文"),
]


@pytest.mark.parametrize("message,expected", BAD_INPUT, ids=lambda v: str(len(v)) if isinstance(v, str) else None)
def test_bad_input_gets_a_clear_chinese_reply(assistant: Assistant, sender: str, message: str, expected: str) -> None:
    with db.session_scope(assistant.database_url) as session:
        before = session.execute(select(func.count()).select_from(Person)).scalar_one()
    reply = texts(assistant.say(sender, message))
    assert expected in reply
    with db.session_scope(assistant.database_url) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == before


def test_markup_and_sql_in_chinese_text_are_stored_verbatim(assistant: Assistant, sender: str) -> None:
    """Text is data: bound parameters keep it intact and harmless."""
    hostile = "<b>你好</b>'); DELETE FROM people; --"
    assistant.say(sender, hostile)
    assistant.say(sender, "转人工")
    with db.session_scope(assistant.database_url) as session:
        ticket = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender)).scalar_one()
        assert hostile in ticket.excerpt
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() >= 1


def test_gibberish_gets_a_polite_way_forward(assistant: Assistant, sender: str) -> None:
    """Nonsense is either not understood or off-topic; both replies offer the menu's services and a person."""
    reply = texts(assistant.say(sender, "啊吧啊吧咕噜咕噜"))
    assert ("没太明白" in reply or "帮不上忙" in reply) and "转人工" in reply


@pytest.mark.parametrize("message,problem", [
    ("", Problem.EMPTY), (" \n", Problem.EMPTY), ("🙂", Problem.SYMBOLS), ("x" * 1501, Problem.TOO_LONG),
    ("I need help with my account please", Problem.NOT_CHINESE), ("你好", None), ("hi", None), ("ok", None),
    ("13812345678", None), ("美团 app 闪退了", None),
])
def test_input_check(message: str, problem: Problem | None) -> None:
    assert fallback.problem(message) is problem
