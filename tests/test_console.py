"""The staff console (issue 14, first steps), through the real Flask application on SQLite and PostgreSQL: argon2
hashes, CSRF on every form, lock-out, role checks, the audit log, the account command; consult against the running
assistant."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import func, select

from console.app import create_app
from harness.assistant import ROOT, Assistant
from nuanxin import db
from nuanxin.console import accounts
from nuanxin.console.accounts import Role
from nuanxin.models import AuditEntry, ConversationEvent, StaffAccount, UnansweredQuestion
from nuanxin.policy import answers, search

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("DATABASE_URL", db_url)
    accounts.create("wang", "王接线", Role.AGENT, PASSWORD, actor="test")
    accounts.create("li", "李管理", Role.ADMIN, PASSWORD, actor="test")
    return create_app().test_client()


def _csrf(client: FlaskClient, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)


def _login(client: FlaskClient, username: str, password: str) -> str:
    return client.post("/login", data={"username": username, "password": password, "csrf_token": _csrf(client)},
                       follow_redirects=True).text


def _audit(db_url: str) -> list[tuple[str, str]]:
    with db.session_scope(db_url) as session:
        return [(e.actor, e.action) for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def test_passwords_are_argon2_hashes(client: FlaskClient, db_url: str) -> None:
    with db.session_scope(db_url) as session:
        stored = session.execute(select(StaffAccount.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    with pytest.raises(ValueError):
        accounts.create("short", "短", Role.AGENT, "123", actor="test")


def test_sign_in_roles_and_sign_out(client: FlaskClient, db_url: str) -> None:
    assert client.get("/").status_code == 302  # to the sign-in page
    assert "用户名或密码不对" in _login(client, "wang", "wrong password")
    assert "用户名或密码不对" in _login(client, "nobody", PASSWORD)  # the same words: no hint which field
    assert "您好，王接线" in _login(client, "wang", PASSWORD)
    assert client.get("/admin/accounts").status_code == 403  # a hotline agent on an administrator's page
    client.post("/logout", data={"csrf_token": _csrf(client, "/")})
    assert client.get("/").status_code == 302
    assert "李管理" in _login(client, "li", PASSWORD) and "王接线" in client.get("/admin/accounts").text
    assert ("wang", "login_failed") in _audit(db_url) and ("li", "login") in _audit(db_url)


def test_forms_without_the_csrf_token_are_refused(client: FlaskClient) -> None:
    refused = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


def test_repeated_failures_lock_the_account(client: FlaskClient, db_url: str) -> None:
    for _ in range(accounts.MAX_FAILURES - 1):
        assert "用户名或密码不对" in _login(client, "wang", "wrong password")
    assert "已锁定" in _login(client, "wang", "wrong password")
    assert "已锁定" in _login(client, "wang", PASSWORD)  # even the right password, until the lock ends
    assert ("wang", "account_locked") in _audit(db_url) and ("wang", "login_refused_locked") in _audit(db_url)


def test_the_account_command(db_url: str) -> None:
    env = {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    made = subprocess.run([sys.executable, "-m", "nuanxin.console", "create-user", "zhao", "--name", "赵审核",
                           "--role", "reviewer", "--password-stdin"], input=PASSWORD + "\n", cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    listed = subprocess.run([sys.executable, "-m", "nuanxin.console", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60).stdout
    assert "zhao\t赵审核\treviewer" in listed
    actor, action = _audit(db_url)[-1]
    assert actor.startswith("cli:") and action == "create_account"


def test_consult_shows_the_answer_its_source_and_reading_and_records_nothing(
        assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", assistant.rasa_url)
    monkeypatch.setenv("RASA_API_TOKEN", assistant.token)
    agent = f"agent-{uuid.uuid4().hex[:6]}"
    accounts.create(agent, "周接线", Role.AGENT, PASSWORD, actor="test")
    client = create_app().test_client()
    _login(client, agent, PASSWORD)
    before = _count(assistant.database_url, UnansweredQuestion), _count(assistant.database_url, ConversationEvent)

    def ask(question: str) -> str:
        return client.post("/consult", data={"question": question, "csrf_token": _csrf(client, "/consult")}).text

    union = ask("骑手能加入工会吗")
    assert "有把握的回答" in union and "工会" in union and "来源：" in union and "意图：join_union" in union
    weak = ask("外卖箱能不能贴广告赚钱")
    assert "没有把握" in weak or "没有能回答" in weak
    near = ask("万象汇附近有驿站吗")
    assert "“万象汇”附近的驿站" in near and "米" in near
    after = _count(assistant.database_url, UnansweredQuestion), _count(assistant.database_url, ConversationEvent)
    assert after == before  # nothing recorded, no conversation touched


def _count(url: str, model: type) -> int:
    with db.session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_reviewers_turn_unanswered_questions_into_ways_of_asking(client: FlaskClient, db_url: str) -> None:
    accounts.create("zhou", "周审核", Role.REVIEWER, PASSWORD, actor="test")
    for sender in ("r1", "r2"):
        answers.answer(sender, "rest", "外卖箱能不能贴广告赚钱")
    answers.answer("r3", "rest", "电动车电池能不能换大的")
    _login(client, "wang", PASSWORD)
    assert client.get("/questions").status_code == 403  # hotline agents do not review knowledge
    client.post("/logout", data={"csrf_token": _csrf(client, "/")})
    _login(client, "zhou", PASSWORD)
    listed = client.get("/questions").text
    assert listed.index("外卖箱能不能贴广告赚钱") < listed.index("电动车电池能不能换大的")  # most asked first
    unit = search.shared_index().units[0].id
    token = _csrf(client, "/questions")
    assert "没有编号" in client.post("/questions/resolve", data={
        "question": "外卖箱能不能贴广告赚钱", "unit_id": "NO-SUCH", "csrf_token": token}, follow_redirects=True).text
    done = client.post("/questions/resolve", data={"question": "外卖箱能不能贴广告赚钱", "unit_id": unit,
                                                    "csrf_token": token}, follow_redirects=True).text
    assert "已处理 2 条" in done and "外卖箱能不能贴广告赚钱" not in done
    drafted = client.post("/questions/draft", data={
        "question": "电动车电池能不能换大的", "title": "能不能私自更换大容量电池",
        "answer": "不能。私自改装电池不符合国家标准。", "csrf_token": token}, follow_redirects=True).text
    assert "已处理 1 条" in drafted and "目前没有待处理的问题" in drafted
    exported = yaml.safe_load(client.get("/questions/export.yml").text)
    assert exported == {"add_questions": [{"id": unit, "questions": ["外卖箱能不能贴广告赚钱"]}],
                        "new_units": [{"title": "能不能私自更换大容量电池",
                                       "answer": "不能。私自改装电池不符合国家标准。", "drafted_by": "zhou",
                                       "questions": ["电动车电池能不能换大的"]}]}
    assert ("zhou", "resolve_question") in _audit(db_url) and ("zhou", "draft_unit") in _audit(db_url)
    assert client.post("/questions/resolve", data={"question": "x", "unit_id": unit}).status_code == 400  # no CSRF
