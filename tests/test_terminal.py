"""The terminal chat `make run` opens, driven through a pseudo-terminal as a newcomer would type: numbered buttons,
questions typed after them, a place and a photo sent by command, and the ways out."""
from __future__ import annotations

import codecs
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image

from conftest import Assistant
from harness.assistant import ROOT, stop

PROMPT = "您："


class Terminal:
    """A child process on a pseudo-terminal: what it prints is read as a person's screen would show it."""

    def __init__(self, assistant: Assistant, tmp: Path) -> None:
        master, slave = pty.openpty()
        env = {**assistant.env, "NUANXIN_PHOTO_DIR": str(tmp / "photos"), "LANG": "C.UTF-8", "TERM": "dumb"}
        self.proc = subprocess.Popen([sys.executable, "-m", "terminal", "--rasa-url", assistant.rasa_url],
                                     stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.screen = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read_until(self, marker: str, seconds: float = 60) -> str:
        """Everything printed up to and including `marker`."""
        deadline = time.monotonic() + seconds
        while marker not in self.screen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{marker!r} did not appear; the screen shows:\n{self.screen[-2000:]}")
            if select.select([self.master], [], [], remaining)[0]:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the chat ended before {marker!r}:\n{self.screen[-2000:]}")
                self.screen += self._decoder.decode(chunk)
        head, _, self.screen = self.screen.partition(marker)
        return head + marker

    def say(self, line: str) -> str:
        """Type a line and return the answer (without the echo of what was typed)."""
        os.write(self.master, (line + "\n").encode())
        shown = self.read_until(PROMPT)
        return shown.split(line, 1)[-1]

    def close(self) -> None:
        stop(self.proc)
        os.close(self.master)


@pytest.fixture
def terminal(assistant: Assistant, tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(assistant, tmp_path)
    yield term
    term.close()


def test_a_newcomer_chats_taps_numbered_buttons_and_types_questions(terminal: Terminal, tmp_path: Path) -> None:
    welcome = terminal.read_until(PROMPT)
    assert "输入编号" in welcome and "/位置" in welcome and "/stop" in welcome  # how to use it, first
    assert "个人信息说明" in welcome and "1. 政策咨询" in welcome  # the welcome with its notice and menu

    reply = terminal.say("1")  # a number taps the button
    assert "您选了：政策咨询" in reply and "请直接说说您想了解的政策" in reply

    reply = terminal.say("骑手七不公约是哪七条")
    assert "不闯红灯" in reply and "\n  1. " in reply  # answered, with related questions as numbered options

    reply = terminal.say("没签劳动合同能加入工会吗")  # a question typed after buttons is a question
    assert "可以加入工会" in reply and "您选了" not in reply

    reply = terminal.say("那要交钱吗")  # a follow-up on the same topic
    assert "千分之五" in reply and "  1. 申请入会" in reply  # the answer offers to apply at once

    reply = terminal.say("2")  # a related question
    assert "您选了：" in reply and "来源：" in reply

    reply = terminal.say("/位置 万象汇")  # a place in words stands in for the phone's location pin
    assert "已发送位置：万象汇" in reply and "离您的位置最近的" in reply and "米" in reply

    reply = terminal.say("第一个怎么走")
    assert "导航" in reply and "📍" in reply

    reply = terminal.say("/位置 31.5712,120.3302")  # or typed coordinates
    assert "离您的位置最近的" in reply

    photo = tmp_path / "路灯.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(photo, "JPEG")
    reply = terminal.say(f"/照片 {photo}")
    assert "收到您的照片" in reply
    assert len(list((tmp_path / "photos").glob("*.jpg"))) == 1  # stored by content hash, like Telegram's
    assert "什么问题" in reply  # a photo starts a report

    assert "在哪里" in terminal.say("路灯坏了好几个")
    reply = terminal.say("/位置 31.5930,120.3010")  # where no other test reports
    assert "类别：市政设施" in reply and "照片：有" in reply
    reply = terminal.say("1")  # 确认提交
    assert "已收到您的上报，编号 SB-" in reply
    assert "待核实" in terminal.say("我报的怎么样了")

    reply = terminal.say("/照片 /没有/这个/文件.jpg")
    assert "找不到文件" in reply

    os.write(terminal.master, "/stop\n".encode())
    assert "再见" in terminal.read_until("再见")
    assert terminal.proc.wait(timeout=20) == 0


def test_ctrl_d_leaves(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)
    os.write(terminal.master, b"\x04")
    terminal.read_until("再见")
    assert terminal.proc.wait(timeout=20) == 0
