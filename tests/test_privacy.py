"""Riders' personal data through the trained model, the action server and the database (SQLite and PostgreSQL):
"我的信息" lists what a union application, a report, an enrollment and a hand-over stored (masked); deletion is
explained, confirmed, done in one transaction, and leaves no row naming the rider (every column of every table
is read); a second request is harmless; the same rider starts again as new; on Telegram the full copy arrives
as a JSON document and is not kept; `make purge` leaves no message text older than the limit, twice at once."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select, update

from conftest import Assistant, new_id_number, new_phone, payloads, replies, say, texts
from harness.assistant import ROOT, age_conversation
from harness.fake_telegram import FakeTelegram
from nuanxin import db
from nuanxin.messaging import contract, outbox
from nuanxin.models import (AuditEntry, Base, ConversationEvent, Enrollment, OutboxMessage, Report,
                            UnionApplication)
from nuanxin.report import filing
from nuanxin.training import catalogue, enrollment
from nuanxin.union import applications

SPOT = (31.5721, 120.3312)  # 青禾街道
def _rows_naming(url: str, *needles: str) -> list[str]:
    """Every string column of every table, read in full: where any needle still stands."""
    found = []
    with db.session_scope(url) as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if not columns:
                continue
            for row in session.execute(select(*columns)).all():
                for column, value in zip(columns, row):
                    if value and any(needle in value for needle in needles):
                        found.append(f"{table.name}.{column.name}: {value[:80]}")
    return found


def test_my_data_then_deletion_leaves_nothing_naming_the_rider(assistant: Assistant, sender: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    phone, name, id_number = new_phone(), "钱多多", new_id_number()
    assert "工单号" in texts(assistant.say(sender, f"转人工，我电话{phone}"))
    applied = applications.submit("rest", sender, name, phone, id_number, "美团骑手", "青禾", consent=True)
    filed = filing.file("rest", sender, f"春风路井盖松动，我是{name}", "MUNICIPAL", *SPOT, "春风路", None)
    run = catalogue.add_run("JJ-301", datetime.now(timezone.utc) + timedelta(days=5), "青禾区职工服务中心", 1)
    enrollment.enroll("rest", sender, run, name, phone, consent=True)
    waiting = f"waiting-{random.randint(10**6, 10**7)}"
    enrollment.enroll("rest", waiting, run, "孙小美", new_phone(), consent=True)  # waitlisted behind the rider

    kept = texts(assistant.say(sender, "你们存了我哪些信息"))
    assert applied.reference in kept and filed.ticket in kept and "培训报名" in kept
    assert f"{phone[:3]}****{phone[-4:]}" in kept and phone not in kept and name not in kept
    assert "钱**" in kept and "同意记录" in kept and "转人工工单" in kept

    explained = assistant.say(sender, "删除我的信息")
    assert "确定要删除吗" in texts(explained) and "/confirm_deletion" in payloads(explained)
    assert "没有删除" in texts(assistant.say(sender, "不用了"))  # a no: nothing deleted
    assert applied.reference in texts(assistant.say(sender, "我的信息"))
    assert "确定要删除吗" in texts(assistant.say(sender, "撤回同意"))
    assert "已删除" in texts(assistant.say(sender, "/confirm_deletion"))

    assert _rows_naming(assistant.database_url, sender, phone, name, id_number) == []
    with db.session_scope(assistant.database_url) as session:
        report = session.execute(select(Report).where(Report.ticket == filed.ticket)).scalar_one()
        assert report.lat == SPOT[0] and "井盖松动" in report.text  # kept as an anonymous public record
        statuses = dict(session.execute(select(Enrollment.person_id, Enrollment.status)
                                        .where(Enrollment.session_id == run)).all())
    assert list(statuses.values()) == ["offered"]  # the seat went to the rider who waited

    assert "不需要删除" in texts(assistant.say(sender, "删除我的信息"))  # a second request is harmless
    assert "没有保存您的个人信息" in texts(assistant.say(sender, "我的信息"))
    assert texts(assistant.say(sender, "你好"))  # and they start again as new


def test_an_approved_membership_stays_with_the_union(assistant: Assistant, sender: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    applied = applications.submit("rest", sender, "周全", new_phone(), new_id_number(), "顺丰快递员", "东湖",
                                  consent=True)
    applications.decide(applied.reference, applications.Decision.APPROVED, "test")
    assert "工会会籍" in texts(assistant.say(sender, "把我的信息删了"))
    assert "米" in texts(assistant.say(sender, "万象汇附近有驿站吗"))  # on to something else
    assert "已删除" not in texts(assistant.say(sender, "是的"))  # a yes later on is no yes to deleting
    assert "确定要删除吗" in texts(assistant.say(sender, "确认删除"))  # nor a confirmation out of the blue
    done = texts(assistant.say(sender, "确认删除"))
    assert "已删除" in done and "工会会籍" in done
    assert _rows_naming(assistant.database_url, sender) == []
    with db.session_scope(assistant.database_url) as session:
        kept = session.execute(select(UnionApplication).where(
            UnionApplication.reference == applied.reference)).scalar_one()
        assert kept.status == "approved" and kept.name == "周全"


def test_telegram_gets_the_full_copy_as_a_document_never_kept(bot: Path, fake: FakeTelegram, rider: int,
                                                               assistant: Assistant) -> None:
    phone = new_phone()
    asked = say(fake, rider, f"转人工，我电话{phone}")
    replies(fake, rider, asked)
    asked = say(fake, rider, "我的信息")
    sent = fake.wait_for("sendDocument", rider, after=asked)[0].params
    copy = json.loads(sent["document"]["content"].decode("utf-8"))
    assert sent["document"]["filename"].endswith(".json") and "完整副本" in sent["caption"]
    assert copy["profile"]["phone"] == phone and copy["chat"] == str(rider) and copy["handoff_tickets"]
    assert any(m["text"].startswith("转人工") for m in copy["conversation"])
    time.sleep(0.5)
    with db.session_scope(assistant.database_url) as session:
        stored = [json.loads(data) for data in session.execute(select(ConversationEvent.data).where(
            ConversationEvent.sender_id == f"tg-{rider}")).scalars()]
    assert phone not in json.dumps(stored, ensure_ascii=False)
    documents = [e["data"]["custom"]["document"] for e in stored
                 if e["event"] == "bot" and (e.get("data", {}).get("custom") or {}).get("document")]
    assert documents and all("content" not in d for d in documents)  # the copy was sent; only that is remembered


def test_purge_leaves_no_message_text_older_than_the_limit(assistant: Assistant, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    old, recent = f"old-{random.randint(10**6, 10**7)}", f"new-{random.randint(10**6, 10**7)}"
    assistant.say(old, "万象汇附近有驿站吗")
    assistant.say(recent, "万象汇附近有驿站吗")
    located = f"pin-{random.randint(10**6, 10**7)}"
    assistant.say(located, "附近有驿站吗")
    assistant.say(located, contract.share_location(*SPOT))
    age_conversation(assistant.database_url, old, seconds=100 * 86400)
    age_conversation(assistant.database_url, located, seconds=40 * 86400)  # past the 30 days of positions
    photo_dir = tmp_path / "photos"
    photo_dir.mkdir()
    (photo_dir / "aged.jpg").write_bytes(b"\xff\xd8old")
    os.utime(photo_dir / "aged.jpg", (time.time() - 200 * 86400,) * 2)
    (photo_dir / "fresh.jpg").write_bytes(b"\xff\xd8new")
    filed = filing.file("rest", old, "路灯不亮", "MUNICIPAL", *SPOT, None, "aged.jpg")
    with db.session_scope(assistant.database_url) as session:
        session.execute(update(Report).where(Report.ticket == filed.ticket)
                        .values(created_at=datetime.now(timezone.utc) - timedelta(days=200)))
        outbox.enqueue(session, "telegram", "42", {"text": "旧通知"}, f"old-{old}")
        session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == f"old-{old}").values(
            status="sent", created_at=datetime.now(timezone.utc) - timedelta(days=100)))

    env = {**os.environ, "DATABASE_URL": assistant.database_url, "PYTHONPATH": str(ROOT),
           "NUANXIN_PHOTO_DIR": str(photo_dir)}
    runs = [subprocess.Popen([sys.executable, "-m", "nuanxin.privacy", "purge"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    again = subprocess.run([sys.executable, "-m", "nuanxin.privacy", "purge"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "events=0" in again.stdout and "photos=0" in again.stdout

    limit = time.time() - 90 * 86400
    with db.session_scope(assistant.database_url) as session:
        texts_left = session.execute(select(ConversationEvent.data).where(
            ConversationEvent.type_name == "user", ConversationEvent.timestamp < limit)).scalars().all()
        assert texts_left == []
        assert session.execute(select(ConversationEvent.id).where(
            ConversationEvent.sender_id == recent)).first() is not None  # a conversation going on is kept
        pinned = json.dumps([json.loads(data) for data in session.execute(select(ConversationEvent.data).where(
            ConversationEvent.sender_id == located)).scalars()], ensure_ascii=False)
        assert "附近有驿站吗" in pinned and str(SPOT[0]) not in pinned and "120.3312" not in pinned
        assert session.execute(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == f"old-{old}")).first() is None
        assert session.execute(select(Report.photo_path).where(Report.ticket == filed.ticket)).scalar_one() is None
    assert not (photo_dir / "aged.jpg").exists() and (photo_dir / "fresh.jpg").exists()


def test_staff_erase_for_a_rider_who_asked_by_phone(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    phone = new_phone()
    applications.submit("rest", "caller-1", "吴用", phone, new_id_number(), "滴滴司机", "西园", consent=True)
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "nuanxin.privacy", "erase", "rest", "caller-1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "applications_deleted=1" in done.stdout, done.stderr
    assert _rows_naming(db_url, "caller-1", phone, "吴用") == []
    with db.session_scope(db_url) as session:
        actor, action = session.execute(select(AuditEntry.actor, AuditEntry.action).order_by(
            AuditEntry.id.desc())).first()
    assert actor.startswith("cli:") and action == "erase_personal_data"
