"""The console's review pages through the real Flask application on SQLite and PostgreSQL: reports (filters, map,
detail, verify with points, status change, merge, CSV), union applications, training rosters and attendance, the
dashboard, masking and audited unmasking; and Open311 GeoReport v2 as another city system uses it."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select

from console.app import create_app
from harness.console import running_console
from nuanxin import db
from nuanxin.console import accounts
from nuanxin.console.accounts import Role
from nuanxin.models import AuditEntry, OutboxMessage, PointsEntry
from nuanxin.report import filing, members, open311
from nuanxin.training import catalogue, enrollment
from nuanxin.union import applications

PASSWORD = "correct horse battery"
SPOT = (31.5721, 120.3312)  # 青禾街道
VALID_ID = "11010519491231002X"


def _csrf(client: FlaskClient, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)


def _signed_in(username: str, role: Role) -> FlaskClient:
    accounts.create(username, f"{username}名", role, PASSWORD, actor="test")
    client = create_app().test_client()
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": _csrf(client, "/login")})
    return client


@pytest.fixture
def reviewer(db_url: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("DATABASE_URL", db_url)
    return _signed_in("zhou", Role.REVIEWER)


def _audit(db_url: str) -> list[tuple[str, str, str]]:
    with db.session_scope(db_url) as session:
        return [(e.actor, e.action, e.target) for e in session.execute(select(AuditEntry)).scalars()]


def _balance(db_url: str) -> int:
    with db.session_scope(db_url) as session:
        return sum(session.execute(select(PointsEntry.delta)).scalars())


def test_reports_list_verify_change_merge_and_export(reviewer: FlaskClient, db_url: str) -> None:
    members.register("telegram", "tg-1001", "张 三", "138 1234 5678", "青禾", consent=True)
    first = filing.file("telegram", "tg-1001", "春风路口红绿灯不亮", "TRAFFIC", *SPOT, "春风路建设路口", None)
    second = filing.file("telegram", "tg-2002", "春风路口红绿灯坏了，我电话13900001111", "TRAFFIC", *SPOT, None, None)
    filing.file("rest", "r3", "=HYPERLINK(\"http://x\")小区门口垃圾堆成山", "ENV", 31.5803, 120.3655, "东湖", None)

    listed = reviewer.get("/reports/").text
    assert first.ticket in listed and second.ticket in listed and "共 3 条" in listed
    assert "13900001111" not in listed and "139****1111" in listed and "待人工审阅" in listed
    only_env = reviewer.get("/reports/?category=ENV").text
    assert "共 1 条" in only_env and first.ticket not in only_env
    assert "共 2 条" in reviewer.get("/reports/?street=S01").text  # both traffic reports are in 青禾街道
    assert "共 1 条" in reviewer.get("/reports/?reporter=grid").text
    today = datetime.now(timezone(timedelta(hours=8))).date()
    assert "共 0 条" in reviewer.get(f"/reports/?until={today - timedelta(days=1)}").text
    drawn = reviewer.get("/reports/map").text
    assert drawn.count('class="report"') == 3 and "青禾街道" in drawn and "<svg" in drawn

    page = reviewer.get(f"/reports/{second.ticket}").text
    assert first.ticket in page  # the nearby possible duplicate, offered for merging
    token = _csrf(reviewer, f"/reports/{first.ticket}")
    before = _balance(db_url)
    verified = reviewer.post(f"/reports/{first.ticket}/verify", data={"note": "已转交交警", "csrf_token": token},
                             follow_redirects=True).text
    assert "已受理" in verified and "积分" in verified and _balance(db_url) > before
    merged = reviewer.post(f"/reports/{second.ticket}/merge", data={"original": first.ticket, "csrf_token": token},
                           follow_redirects=True).text
    assert "重复" in merged
    moved = reviewer.post(f"/reports/{first.ticket}/status", data={"state": "in_progress", "note": "已派人",
                                                                    "csrf_token": token}, follow_redirects=True).text
    assert "处理中" in moved and "已派人" in moved
    for state in ("pending", "duplicate"):  # not a step of the workflow; a duplicate only through 合并
        refused = reviewer.post(f"/reports/{first.ticket}/status", data={"state": state, "csrf_token": token},
                                follow_redirects=True).text
        assert "不符合办理流程" in refused
    with db.session_scope(db_url) as session:
        told = [r.recipient for r in session.execute(select(OutboxMessage)).scalars()]
    assert "1001" in told and "2002" in told  # reporter and the merged report's reporter (now a follower)

    shown = reviewer.post(f"/reports/{first.ticket}/contact", data={"csrf_token": token}).text
    assert "张三" in shown and "13812345678" in shown
    exported = reviewer.get("/reports/export.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "工单" and len(rows) == 4 and "13900001111" not in exported.data.decode("utf-8-sig")
    assert any(row[6].startswith("'=HYPERLINK") for row in rows)  # a formula a rider wrote stays text in Excel
    actions = [(action, target) for _, action, target in _audit(db_url)]
    assert ("report_accepted", f"report:{first.ticket}") in actions
    assert ("report_merged", f"report:{second.ticket}") in actions
    assert ("report_in_progress", f"report:{first.ticket}") in actions
    assert ("unmask_reporter", f"report:{first.ticket}") in actions


def test_union_applications_approved_or_rejected_with_a_reason(reviewer: FlaskClient, db_url: str) -> None:
    first = applications.submit("rest", "u1", "李 雷", "13912345678", VALID_ID, "美团骑手", "青禾", consent=True)
    second = applications.submit("rest", "u2", "韩梅梅", "13800000000", "440524199001010018", "滴滴司机", "东湖",
                                 consent=True)
    listed = reviewer.get("/union/").text
    assert first.reference in listed and "李*" in listed and "139****5678" in listed and "13912345678" not in listed
    token = _csrf(reviewer, "/union/")
    assert "已通过" in reviewer.post(f"/union/{first.reference}/decide", data={
        "decision": "approved", "csrf_token": token}, follow_redirects=True).text
    assert "请写明原因" in reviewer.post(f"/union/{second.reference}/decide", data={
        "decision": "rejected", "csrf_token": token}, follow_redirects=True).text
    reviewer.post(f"/union/{second.reference}/decide", data={"decision": "rejected", "reason": "不在本区就业",
                                                             "csrf_token": token})
    assert "已经有人处理过了" in reviewer.post(f"/union/{first.reference}/decide", data={
        "decision": "rejected", "reason": "x", "csrf_token": token}, follow_redirects=True).text
    everything = reviewer.get("/union/export.csv?status=all").data.decode("utf-8-sig")
    assert "已通过" in everything and "不在本区就业" in everything and "13912345678" not in everything
    actions = [action for _, action, _ in _audit(db_url)]
    assert "union_approved" in actions and "union_rejected" in actions


def test_training_roster_and_attendance(reviewer: FlaskClient, db_url: str) -> None:
    run = catalogue.add_run("JJ-301", datetime.now(timezone.utc) + timedelta(days=3), "青禾区职工服务中心", 1)
    enrollment.enroll("rest", "a", run, "张伟", "13700000001", consent=True)
    enrollment.enroll("rest", "b", run, "李娜", "13700000002", consent=True)  # waitlisted: one seat
    runs = reviewer.get("/training/").text
    assert run in runs
    roster = reviewer.get(f"/training/{run}").text
    assert "张*" in roster and "候补中" in roster and "13700000001" not in roster
    place = re.search(r'name="place" value="(\d+)"', roster).group(1)
    token = _csrf(reviewer, f"/training/{run}")
    marked = reviewer.post(f"/training/{run}/attendance", data={"place": place, "attended": "yes",
                                                                 "csrf_token": token}, follow_redirects=True).text
    assert "到场 1" in marked
    exported = reviewer.get(f"/training/{run}/roster.csv").data.decode("utf-8-sig")
    assert "到场" in exported and "137****0001" in exported
    assert "mark_attendance" in [action for _, action, _ in _audit(db_url)]


def test_dashboard_counts(reviewer: FlaskClient) -> None:
    filing.file("rest", "r1", "井盖没了", "MUNICIPAL", *SPOT, None, None)
    filing.file("rest", "r2", "楼道飞线充电", "FIRE", *SPOT, None, None)
    page = reviewer.get("/dashboard").text
    assert "市政设施" in page and "消防安全" in page and "青禾街道" in page and page.count("<svg") == 3


def test_agents_do_not_open_review_pages(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    agent = _signed_in("wu", Role.AGENT)
    for path in ("/reports/", "/union/", "/training/", "/reports/export.csv", "/admin/accounts"):
        assert agent.get(path).status_code == 403, path
    assert agent.get("/handoff/").status_code == 200 and agent.get("/dashboard").status_code == 200


# --- Open311 ------------------------------------------------------------------------------------------------------


@pytest.fixture
def open311_server(db_url: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("DATABASE_URL", db_url)
    return create_app().test_client()


def test_open311_file_and_read_back_with_the_specs_errors(open311_server: FlaskClient, db_url: str) -> None:
    api = open311_server
    key = open311.issue_key("12345平台", actor="test")
    services = api.get("/open311/v2/services.json").json
    assert {(s["service_code"], s["service_name"]) for s in services} >= {("TRAFFIC", "交通安全"), ("FIRE", "消防安全")}
    assert api.get("/open311/v2/services/FIRE.json").json == {"service_code": "FIRE", "attributes": []}

    filed = api.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "MUNICIPAL", "lat": str(SPOT[0]), "long": str(SPOT[1]),
        "description": "人行道井盖缺失，联系人电话13812345678", "media_url": "https://example.org/a.jpg"})
    assert filed.status_code == 201
    ticket = filed.json[0]["service_request_id"]
    by_place = api.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "ENV",
                                                            "address_string": "万象汇", "description": "垃圾满了"})
    assert by_place.status_code == 201

    read = api.get(f"/open311/v2/requests/{ticket}.json", query_string={"api_key": key}).json[0]
    assert read["status"] == "open" and read["service_code"] == "MUNICIPAL" and read["status_notes"] == "待核实"
    assert read["requested_datetime"].endswith("+08:00") and read["media_url"] == "https://example.org/a.jpg"
    assert "13812345678" not in str(read) and read["lat"] == SPOT[0]
    found = api.get("/open311/v2/requests.json", query_string={"api_key": key, "service_code": "ENV"}).json
    assert len(found) == 1 and found[0]["address"] == "万象汇"
    assert api.get("/open311/v2/requests.json", query_string={"api_key": key, "status": "closed"}).json == []

    def error(response: object, code: int) -> str:
        assert response.status_code == code and response.json[0]["code"] == code
        return response.json[0]["description"]

    error(api.post("/open311/v2/requests.json", data={"api_key": "wrong", "service_code": "ENV",
                                                       "address_string": "万象汇", "description": "x"}), 403)
    assert "service_code" in error(api.post("/open311/v2/requests.json", data={
        "api_key": key, "address_string": "万象汇", "description": "x"}), 400)
    error(api.get("/open311/v2/requests/SB-20000101-9999.json", query_string={"api_key": key}), 404)
    error(api.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "ENV", "description": "x"}),
          400)  # no place
    error(api.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "ENV", "address_string": "万象汇",
                                                       "description": "长" * 4001}), 400)
    error(api.get("/open311/v2/requests.json"), 403)  # reading needs a key too
    assert open311.revoke_key("12345平台", actor="test")
    error(api.get(f"/open311/v2/requests/{ticket}.json", query_string={"api_key": key}), 403)
    assert ("test", "revoke_open311_key", "open311:12345平台") in _audit(db_url)


def test_open311_over_http_with_a_real_client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console process itself (waitress), as the 12345 platform's client would call it."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    key = open311.issue_key("城管系统", actor="test")
    with running_console(db_url) as base:
        filed = requests.post(f"{base}/open311/v2/requests.json", timeout=10, data={
            "api_key": key, "service_code": "SECURITY", "address_string": "万象汇", "description": "有人在撬电动车"})
        assert filed.status_code == 201, filed.text
        ticket = filed.json()[0]["service_request_id"]
        read = requests.get(f"{base}/open311/v2/requests/{ticket}.json", params={"api_key": key}, timeout=10).json()
        assert read[0]["description"] == "有人在撬电动车" and read[0]["status"] == "open"
        bad = requests.get(f"{base}/open311/v2/requests/{ticket}.json", params={"api_key": "nope"}, timeout=10)
        assert bad.status_code == 403 and bad.json() == [{"code": 403, "description": "api_key 无效或已停用"}]
