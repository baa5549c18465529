"""ask_human: the hotline from knowledge/ and a ticket for staff with a masked excerpt."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import Assistant, texts
from nuanxin import db, knowledge
from nuanxin.handoff import tickets as handoff
from nuanxin.handoff.tickets import Turn
from nuanxin.models import HandoffTicket, Person


def _hotline() -> dict:
    return next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == "district_hotline")


def test_ask_human_gives_hotline_and_opens_ticket(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "我的电话是13812345678 平台扣我钱")
    reply = texts(assistant.say(sender, "转人工"))
    line = _hotline()
    assert line["phone"] in reply and line["hours"] in reply
    number = re.search(r"工单号 (RG\d{6})", reply).group(1)
    with db.session_scope(assistant.database_url) as session:
        ticket = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender)).scalar_one()
        person = session.get(Person, ticket.person_id)
        assert handoff.ticket_number(ticket) == number
        assert ticket.status == "open" and ticket.channel == "rest" and person.external_id == sender
        assert "平台扣我钱" in ticket.excerpt
        assert "138****5678" in ticket.excerpt and "13812345678" not in ticket.excerpt


def test_excerpt_keeps_the_last_turns_short_and_masked() -> None:
    turns = [Turn("user", f"第{i}句") for i in range(15)] + [Turn("user", "身份证110101199003071234 " + "很长" * 200)]
    text = handoff.excerpt(turns)
    lines = text.splitlines()
    assert len(lines) == handoff.EXCERPT_TURNS
    assert lines[0] == "用户：第6句"
    assert "110101********1234" in lines[-1] and "19900307" not in lines[-1]
    assert lines[-1].endswith("…") and len(lines[-1]) <= handoff.TURN_CHARS + 4


def test_ticket_numbers_are_unique_per_database(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        first = handoff.open_ticket(session, "rest", "a", "ask_human", [Turn("user", "转人工")])
        first.status = handoff.TicketStatus.CLOSED.value  # one open ticket per person (test_database)
        session.flush()
        second = handoff.open_ticket(session, "rest", "a", "ask_human", [])
        assert handoff.ticket_number(first) != handoff.ticket_number(second)
        assert first.person_id == second.person_id


def test_a_request_is_stored_with_its_hotline(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = handoff.request("rest", "caller-1", "ask_human", [Turn("user", "我电话13812345678 转人工")])
    assert result.ticket_no and result.contact["hotline_phone"] == str(_hotline()["phone"])
    with db.session_scope(db_url) as session:
        ticket = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == "caller-1")).scalar_one()
        assert handoff.ticket_number(ticket) == result.ticket_no and "138****5678" in ticket.excerpt


def test_without_a_database_the_caller_still_gets_the_hotline(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'nuanxin.db'}")  # cannot be opened
    result = handoff.request("rest", "caller-2", "ask_human", [Turn("user", "转人工")])
    assert result.ticket_no is None and result.contact["hotline_phone"] == str(_hotline()["phone"])


# --- a person when one is meant ------------------------------------------------------------------------------

def _tickets(assistant: Assistant, sender: str) -> list[HandoffTicket]:
    with db.session_scope(assistant.database_url) as session:
        return list(session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender)).scalars())


@pytest.mark.parametrize("text", ["监督电话多少来着", "你们电话多少"])
def test_asking_for_the_number_gives_the_number(assistant: Assistant, sender: str, text: str) -> None:
    reply = texts(assistant.say(sender, text))
    assert _hotline()["phone"] in reply and "工单号" not in reply
    assert _tickets(assistant, sender) == []


def test_one_open_ticket_and_its_status(assistant: Assistant, sender: str) -> None:
    first = texts(assistant.say(sender, "转人工"))
    number = re.search(r"工单号 (RG\d{6})", first).group(1)
    assert "回电的手机号" in first  # no number known yet: asked once
    assert "记下了" in texts(assistant.say(sender, "13812345678"))
    status = texts(assistant.say(sender, "多久有人联系我"))
    assert number in status and "回电" in status
    again = texts(assistant.say(sender, "转人工"))
    assert number in again and "回电的手机号" not in again
    assert len(_tickets(assistant, sender)) == 1
    with db.session_scope(assistant.database_url) as session:
        assert session.execute(select(Person).where(Person.external_id == sender)).scalar_one().phone == "13812345678"


def test_a_person_asked_for_inside_a_longer_message(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "平台扣了我三百块 帮我转给服务专员处理一下"))
    assert "工单号" in reply and len(_tickets(assistant, sender)) == 1


def test_no_ticket_yet_says_so(assistant: Assistant, sender: str) -> None:
    assert "没有在处理中的工单" in texts(assistant.say(sender, "我的工单呢"))


def test_frustration_gets_an_apology_and_a_person(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "你好")
    reply = texts(assistant.say(sender, "你们这破机器人有啥用"))
    assert reply.startswith("抱歉") and "工单号" in reply and "没有可靠的答案" not in reply


def test_something_else_while_a_call_back_number_is_awaited(assistant: Assistant, sender: str) -> None:
    assert "回电的手机号" in texts(assistant.say(sender, "转人工"))
    reply = texts(assistant.say(sender, "你们电话多少"))  # not a number: answered as itself
    assert _hotline()["phone"] in reply and "记下了" not in reply
    assert "记下了" in texts(assistant.say(sender, "13912345678"))
