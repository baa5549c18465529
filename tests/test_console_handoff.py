"""Staff taking over a conversation in the console, through the real Flask application, the trained model, the
action server and the database (SQLite and PostgreSQL): the queue, Rasa paused and resumed, replies queued for
the rider's Telegram chat exactly once, the rider told when a person joins and leaves, safety still answered."""
from __future__ import annotations

import random
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from console.app import create_app
from conftest import texts
from harness.assistant import Assistant, age_conversation
from nuanxin import db
from nuanxin.console import accounts
from nuanxin.console.accounts import Role
from nuanxin.models import AuditEntry, HandoffTicket, OutboxMessage

PASSWORD = "correct horse battery"


def _csrf(client: FlaskClient, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)


@pytest.fixture
def console(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> tuple[FlaskClient, FlaskClient]:
    """Two hotline agents signed in (each with a new account)."""
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", assistant.rasa_url)
    monkeypatch.setenv("RASA_API_TOKEN", assistant.token)
    app = create_app()
    clients = []
    for name in ("吴接线", "郑接线"):
        username = f"agent{random.randint(10**6, 10**7)}"
        accounts.create(username, name, Role.AGENT, PASSWORD, actor="test")
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": _csrf(client, "/login")})
        clients.append(client)
    return clients[0], clients[1]


def _ticket(url: str, sender: str) -> HandoffTicket:
    with db.session_scope(url) as session:
        ticket = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == sender)).scalar_one()
        session.expunge(ticket)
        return ticket


def _sent_to(url: str, chat: str) -> list[str]:
    with db.session_scope(url) as session:
        return [row.payload for row in session.execute(select(OutboxMessage).where(
            OutboxMessage.recipient == chat).order_by(OutboxMessage.id)).scalars()]


def test_staff_take_reply_once_and_hand_back(assistant: Assistant,
                                             console: tuple[FlaskClient, FlaskClient]) -> None:
    agent, colleague = console
    user_id = random.randint(10**8, 10**9)
    sender, url = f"tg-{user_id}", assistant.database_url
    assistant.say_on_telegram(sender, "我要转人工，电话13812345678")
    ticket = _ticket(url, sender)

    queue = agent.get("/handoff/").text
    number = f"RG{ticket.id:06d}"
    assert number in queue and "138****5678" in queue and "13812345678" not in queue and "分钟" in queue

    taken = agent.post(f"/handoff/{ticket.id}/take", data={"csrf_token": _csrf(agent, "/handoff/")},
                       follow_redirects=True).text
    assert assistant.tracker(sender)["paused"] is True
    assert "发送" in taken  # the reply form is this agent's now
    # the colleague can no longer take it, nor reply in it
    again = colleague.post(f"/handoff/{ticket.id}/take", data={"csrf_token": _csrf(colleague, "/handoff/")},
                           follow_redirects=True).text
    assert "刚被其他同事接手" in again

    assert assistant.say_on_telegram(sender, "你好，有人吗") == []  # the assistant is silent while staff have it
    age_conversation(url, sender, seconds=2 * 3600)  # a new session begins: staff still have the conversation
    assert assistant.say_on_telegram(sender, "还在吗") == []
    page = agent.get(f"/handoff/{ticket.id}").text
    assert "你好，有人吗" in page
    # safety comes first even then: the emergency number, from the assistant
    urgent = texts(assistant.say_on_telegram(sender, "我被车撞了，腿在流血"))
    assert "120" in urgent.splitlines()[0]

    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    token = _csrf(agent, f"/handoff/{ticket.id}")
    form = {"text": "您好，我是热线的吴接线，请问现在安全吗？", "nonce": nonce, "csrf_token": token}
    assert "已发送" in agent.post(f"/handoff/{ticket.id}/reply", data=form, follow_redirects=True).text
    assert "已经发过了" in agent.post(f"/handoff/{ticket.id}/reply", data=form, follow_redirects=True).text
    assert colleague.post(f"/handoff/{ticket.id}/reply", data={**form, "nonce": "other",
                                                                "csrf_token": _csrf(colleague, "/handoff/")},
                          follow_redirects=True).text.count("刚被其他同事接手") == 1
    assert agent.post(f"/handoff/{ticket.id}/reply", data={"text": "x", "nonce": "y"}).status_code == 400  # CSRF

    phone_page = agent.post(f"/handoff/{ticket.id}/phone", data={"csrf_token": token}).text
    assert "13812345678" in phone_page

    agent.post(f"/handoff/{ticket.id}/return", data={"csrf_token": token})
    assert assistant.tracker(sender)["paused"] is False
    assert "米" in texts(assistant.say_on_telegram(sender, "万象汇附近有驿站吗"))  # the assistant answers again

    told = _sent_to(url, str(user_id))
    assert len(told) == 3
    assert "服务专员吴接线" in told[0] and "请问现在安全吗" in told[1] and "助手继续为您服务" in told[2]
    assert _ticket(url, sender).status == "closed" and _ticket(url, sender).outcome == "returned"
    with db.session_scope(url) as session:
        done = [(e.action, e.target) for e in session.execute(select(AuditEntry).where(
            AuditEntry.target == f"handoff:{number}").order_by(AuditEntry.id)).scalars()]
    assert [action for action, _ in done] == ["take_conversation", "reply", "unmask_phone", "conversation_returned"]


def test_a_ticket_closed_without_taking_tells_the_rider(assistant: Assistant,
                                                         console: tuple[FlaskClient, FlaskClient]) -> None:
    agent, _ = console
    user_id = random.randint(10**8, 10**9)
    sender = f"tg-{user_id}"
    assistant.say_on_telegram(sender, "转人工")
    ticket = _ticket(assistant.database_url, sender)
    agent.post(f"/handoff/{ticket.id}/close", data={"csrf_token": _csrf(agent, "/handoff/")})
    assert assistant.tracker(sender)["paused"] is False  # never paused
    assert f"RG{ticket.id:06d}" not in agent.get("/handoff/").text
    told = _sent_to(assistant.database_url, str(user_id))
    assert len(told) == 1 and "已处理完毕" in told[0]
