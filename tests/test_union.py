"""Union membership online: what it gives, the application with its checks and consent, routing, one live
application per person, phone and ID, the decision and the status."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from conftest import Assistant, payloads, texts
from nuanxin import db
from harness.assistant import ROOT
from nuanxin.models import ConversationEvent, OutboxMessage, UnionApplication
from nuanxin.union import applications, id_numbers

VALID_ID = "11010519491231002X"  # the standard's own example


@pytest.mark.parametrize("text, expected", [
    (VALID_ID, VALID_ID), ("11010519491231002x", VALID_ID), ("１１０１０５１９４９１２３１００２Ｘ", VALID_ID),
    ("110105194912310021", None), ("11010519491331002X", None), ("1101051949123100", None)])
def test_id_numbers_are_checked_by_their_check_digit_and_birth_date(text: str, expected: str | None) -> None:
    assert id_numbers.normalise(text) == expected


def test_an_application_is_stored_masked_routed_and_recognised(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    first = applications.submit("rest", "u1", "李 雷", "13912345678", VALID_ID, "美团骑手", "青禾", consent=True)
    assert first is not None and not first.existing and first.reference.startswith("RH-")
    assert (first.group, first.status, first.name, first.phone, first.id_number) == (
        "青禾区快递外卖行业工会小组", "待审核", "李*", "139****5678", "110***********002X")
    with db.session_scope(db_url) as session:
        stored = session.execute(select(UnionApplication)).scalar_one()
        assert VALID_ID not in (stored.id_hash + stored.id_masked) and stored.platform == "美团"
    again = applications.submit("rest", "u2", "韩梅梅", "13800000000", VALID_ID, "滴滴司机", "东湖", consent=True)
    assert again.someone_else and again.reference == ""  # the same ID from someone else: nothing of it shown
    assert applications.submit("rest", "u3", "韩梅梅", "13800000000", VALID_ID, "滴滴", "东湖", consent=False) is None
    assert applications.decide(first.reference, applications.Decision.REJECTED, "审核员", "身份证照片不清楚")
    assert not applications.decide(first.reference, applications.Decision.APPROVED, "审核员")  # decided already
    assert [(s.status, s.reason) for s in applications.mine("rest", "u1")] == [("未通过", "身份证照片不清楚")]
    corrected = applications.submit("rest", "u1", "李雷", "13912345678", VALID_ID, "美团骑手", "青禾", consent=True)
    assert not corrected.existing and corrected.reference != first.reference  # rejected: may apply again
    assert applications.decide(corrected.reference, applications.Decision.APPROVED, "审核员")
    assert applications.submit("rest", "u1", "李雷", "13912345678", VALID_ID, "美团", "青禾", consent=True).existing


def test_join_explains_then_the_form_applies(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "我想加入工会")
    assert "不以签订劳动合同为前提" in texts(replies) and "千分之五" in texts(replies)
    assert "/apply_union" in payloads(replies)
    assert "个人信息说明" in texts(assistant.say(sender, "/apply_union"))
    assert "姓名" in texts(assistant.say(sender, "/affirm"))
    assert "手机号" in texts(assistant.say(sender, "张伟"))
    assert "身份证号" in texts(assistant.say(sender, "13700002222"))
    assert "校验不对" in texts(assistant.say(sender, "110105194912310021"))
    assert "哪一行" in texts(assistant.say(sender, "110105 19491231 002X"))
    assert "没看出" in texts(assistant.say(sender, "打零工"))
    assert "镇（街道）" in texts(assistant.say(sender, "顺丰快递员"))
    summary = texts(assistant.say(sender, "东湖街道"))
    assert "张*" in summary and "137****2222" in summary and "110***********002X" in summary
    assert VALID_ID not in summary
    submitted = texts(assistant.say(sender, "/affirm"))
    assert "RH-" in submitted and "快递外卖行业工会小组" in submitted
    assert "待审核" in texts(assistant.say(sender, "我的入会申请"))
    with db.session_scope(assistant.database_url) as session:  # the conversation's memory keeps no ID number
        stored = " ".join(session.execute(select(ConversationEvent.data).where(
            ConversationEvent.sender_id == sender)).scalars())
    assert "11010519491231002" not in stored and "110105 19491231" not in stored  # the ID number, in any form
    assert "137****2222" in stored  # the rider's own words are kept masked
    reference = re.search(r"RH-\d{8}-\d{4}", submitted).group(0)
    staff = subprocess.run([sys.executable, "-m", "nuanxin.union", "reject", reference, "--actor", "王芳", "--reason",
                            "请补充从业证明"], env=assistant.env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert staff.returncode == 0, staff.stderr
    status = texts(assistant.say(sender, "我的入会申请"))
    assert "未通过" in status and "请补充从业证明" in status
    with db.session_scope(assistant.database_url) as session:
        queued = session.execute(select(OutboxMessage).where(OutboxMessage.recipient == sender)).scalars().all()
        assert [json.loads(m.payload)["text"] for m in queued if reference in m.payload][0].count("请补充从业证明") == 1


def test_cancel_keeps_nothing(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "/apply_union")
    assistant.say(sender, "/affirm")
    assistant.say(sender, "王芳")
    assert "没有保存" in texts(assistant.say(sender, "/cancel"))
    assert "还没有入会申请" in texts(assistant.say(sender, "我的入会申请"))


def test_an_emergency_in_the_middle_of_the_form_comes_first(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "/apply_union")
    assistant.say(sender, "/affirm")
    replies = texts(assistant.say(sender, "我被车撞了 腿流了好多血"))
    assert "120" in replies.splitlines()[0] and "姓名" in replies.splitlines()[-1]
