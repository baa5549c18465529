"""Conversations live in the project's database: restarting Rasa and the action server in the middle of a form
resumes it at the same question (the real processes are stopped and started again)."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import DATABASES, texts
from harness.assistant import fresh_database, running_assistant
from nuanxin import db
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
