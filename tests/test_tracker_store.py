"""Conversations live in the project's database: restarting Rasa and the action server in the middle of a form
resumes it at the same question (the real processes are stopped and started again)."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import DATABASES, texts
from harness.assistant import Assistant, fresh_database, running_assistant
from nuanxin import db
from nuanxin.messaging.tracker_store import MAX_EVENTS
from nuanxin.models import ConversationEvent


@pytest.mark.parametrize("kind", DATABASES)
def test_a_restart_in_the_middle_of_a_form_resumes_it(kind: str, tmp_path: Path) -> None:
    sender, learner = f"restart-{uuid.uuid4().hex[:8]}", f"restart-{uuid.uuid4().hex[:8]}"
    for url in fresh_database(kind, tmp_path):
        for assistant in running_assistant(url, tmp_path):
            assert "什么问题" in texts(assistant.say(sender, "我要上报"))
            assert "在哪里" in texts(assistant.say(sender, "路灯坏了一排"))
            assistant.say(learner, "有什么培训")
            assistant.say(learner, "报第二个")
            assistant.say(learner, "/affirm")
            assert "手机号" in texts(assistant.say(learner, "刘洋"))
            assistant.stop()  # both processes: nothing of the conversation is left in memory
            assistant.start()
            enrolling = texts(assistant.say(learner, "13700001234"))
            assert "刘*" in enrolling and "137****1234" in enrolling  # the enrollment went on at the same question
            reply = texts(assistant.say(sender, "人民路和建设路路口"))
            assert "照片" in reply  # the same form, at the next question: what and where were kept
            summary = texts(assistant.say(sender, "不用了"))
            assert "问题：路灯坏了一排" in summary and "类别：市政设施" in summary
        with db.session_scope(url) as session:
            stored = session.execute(select(func.count()).select_from(ConversationEvent)
                                     .where(ConversationEvent.sender_id == sender)).scalar()
        assert stored > 10


@pytest.mark.parametrize("kind", DATABASES)
def test_a_long_session_is_condensed_for_rasa_and_kept_whole_in_the_database(kind: str, tmp_path: Path) -> None:
    """Past MAX_EVENTS Rasa sees the session's state and its last turns; a form started then runs as usual, the
    assistant still knows the slots set long before, and every event is stored once. (The throttle is lifted: this
    rider types faster than a person can.)"""
    for url in fresh_database(kind, tmp_path):
        for assistant in running_assistant(url, tmp_path, env={"NUANXIN_THROTTLE_COUNT": "1000"}):
            _long_session(assistant)


def _long_session(assistant: Assistant) -> None:
    sender = f"long-{uuid.uuid4().hex[:8]}"
    listed = texts(assistant.say(sender, '/share_location{"latitude": 31.5803, "longitude": 120.3655}'))
    second = re.findall(r"^\d+\. (.+?)（", listed, flags=re.M)[1]  # the stations shown, long before the end
    chat = ["你好", "谢谢", "骑手七不公约是哪七条", "入会要交会费吗"]
    for i in range(40):
        assistant.say(sender, chat[i % len(chat)])
    assert len(assistant.tracker(sender)["events"]) > MAX_EVENTS
    assert second in texts(assistant.say(sender, "第二个怎么走"))
    assistant.say(sender, "我想加入工会")
    assistant.say(sender, "/apply_union")
    assert "姓名" in texts(assistant.say(sender, "/affirm"))
    assert "手机号" in texts(assistant.say(sender, "张伟"))
    with db.session_scope(assistant.database_url) as session:
        users = session.execute(select(func.count()).select_from(ConversationEvent).where(
            ConversationEvent.sender_id == sender, ConversationEvent.type_name == "user")).scalar()
        slots = session.execute(select(func.count()).select_from(ConversationEvent).where(
            ConversationEvent.sender_id == sender, ConversationEvent.type_name == "slot")).scalar()
    assert users == 46  # each message once, none of the condensed state written again
    assert slots < 200
