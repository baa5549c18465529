"""The console in a real browser (Debian's chromium driven by Playwright) against the real console process, the
trained assistant, the action server, the Telegram bot on a fake Bot API server and the database (SQLite and
PostgreSQL): sign-in and what is refused, consult, taking a hand-over and replying into the rider's chat,
verifying a report and the reporter's points rising, approving a union application. Each main page is saved as a
screenshot in var/screenshots/."""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import Assistant, new_id_number, new_phone, replies, say
from harness.browser import CHROMIUM, CHROMIUM_ARGS
from harness.console import running_console
from harness.fake_telegram import FakeTelegram
from nuanxin import settings
from nuanxin.console import accounts
from nuanxin.console.accounts import Role
from nuanxin.report import filing, members
from nuanxin.union import applications

PASSWORD = "correct horse battery"
SCREENSHOTS = settings.ROOT / "var" / "screenshots"
SPOT = (31.5721, 120.3312)  # 青禾街道


def _points(answer: list[str]) -> int:
    """The balance the assistant told the rider ("您现在还没有积分" is none)."""
    found = re.search(r"您现在有 (\d+) 积分", "".join(answer))
    assert found or "还没有积分" in "".join(answer), answer
    return int(found.group(1)) if found else 0


def _text(fake: FakeTelegram, rider: int, after: float, needle: str) -> str:
    """The first message to the rider's chat since `after` that holds `needle`."""
    return fake.wait_for("sendMessage", rider, after=after, where=lambda c: needle in c.params["text"])[0] \
        .params["text"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it is open, which later
    tests' asyncio.run() must not find."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def console(assistant: Assistant, bot: Path) -> Iterator[str]:
    """The console process over the assistant's database, reading the assistant's NLU and pausing its
    conversations; the bot delivers what the console queues."""
    with running_console(assistant.database_url, RASA_URL=assistant.rasa_url, RASA_API_TOKEN=assistant.token,
                         NUANXIN_PHOTO_DIR=str(bot / "photos")) as base:
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _staff(assistant: Assistant, role: Role, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    username = f"{role.value}{random.randint(10**5, 10**6)}"
    accounts.create(username, {"agent": "吴接线", "reviewer": "周审核", "admin": "李管理"}[role.value], role,
                    PASSWORD, actor="test")
    return username


def _login(page: Page, console: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{console}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_refused_wrong_password_missing_csrf_and_an_agent_on_an_admin_page(
        page: Page, console: str, assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = _staff(assistant, Role.AGENT, monkeypatch)
    _login(page, console, agent, "not the password")
    expect(page.locator("body")).to_contain_text("用户名或密码不对")
    _shot(page, "login-refused")
    page.goto(f"{console}/login")  # a form whose CSRF token was removed
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.fill("input[name=username]", agent)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_response(f"{console}/login") as posted:
        page.click("button[type=submit]")
    assert posted.value.status == 400
    _login(page, console, agent)
    expect(page.locator("h1")).to_contain_text("您好，吴接线")
    assert page.goto(f"{console}/admin/accounts").status == 403


def test_an_agent_consults_takes_a_hand_over_and_replies_into_the_riders_chat(
        page: Page, console: str, assistant: Assistant, fake: FakeTelegram, rider: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    agent = _staff(assistant, Role.AGENT, monkeypatch)
    _login(page, console, agent)
    _shot(page, "home-agent")
    page.click("text=帮来电人查询")
    page.fill("input[name=question]", "骑手能加入工会吗")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("来源：")
    _shot(page, "consult")

    asked = say(fake, rider, "我要转人工")
    assert any("工单号" in text for text in replies(fake, rider, asked))
    page.goto(f"{console}/handoff/")
    row = page.locator("#queue tr", has_text="要求人工").filter(has_text="我要转人工").first
    _shot(page, "handoff-queue")
    row.locator("button", has_text="接手").click()
    expect(page.locator("#reply")).to_be_visible()
    assert "接下来由我在这里和您对话" in _text(fake, rider, asked, "服务专员吴接线")

    during = say(fake, rider, "好的，我的电动车在春风路被扣了")
    page.wait_for_timeout(1500)
    assert fake.calls_to("sendMessage", rider, after=during) == []  # the assistant keeps quiet while staff have it
    page.reload()
    expect(page.locator("#conversation")).to_contain_text("电动车在春风路被扣了")
    sent_at = fake.calls_to("sendMessage", rider)[-1].at + 1e-6  # after the last message so far
    page.fill("#reply textarea", "您好，请把扣车单拍照发给我，我帮您联系交警中队。")
    page.click("#reply button[type=submit]")
    reply_text = "【服务专员吴接线】您好，请把扣车单拍照发给我，我帮您联系交警中队。"
    expect(page.locator("main")).to_contain_text("已发送")
    _shot(page, "handoff-conversation")
    delivered = fake.wait_for("sendMessage", rider, after=sent_at, count=1)
    assert [c.params["text"] for c in delivered] == [reply_text]
    page.click("button:has-text('交还助手')")
    _text(fake, rider, delivered[0].at, "助手继续为您服务")
    later = say(fake, rider, "万象汇附近有驿站吗")
    assert any("米" in text for text in replies(fake, rider, later))  # the assistant answers again
    page.wait_for_timeout(1200)  # the reply was sent once, and only once
    assert sum("扣车单" in c.params["text"] for c in fake.calls_to("sendMessage", rider)) == 1


def test_a_reviewer_verifies_a_report_and_approves_a_union_application(
        page: Page, console: str, assistant: Assistant, fake: FakeTelegram, rider: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reviewer = _staff(assistant, Role.REVIEWER, monkeypatch)
    sender = f"tg-{rider}"
    phone = new_phone()
    members.register("telegram", sender, "赵 六", phone, "青禾", consent=True)
    filed = filing.file("telegram", sender, "春风路人行道井盖松动，电动车压过去会翻", "MUNICIPAL", *SPOT,
                        "春风路", None)
    asked = say(fake, rider, "我有多少积分")
    before = _points(replies(fake, rider, asked))

    _login(page, console, reviewer)
    page.goto(f"{console}/reports/")
    _shot(page, "reports")
    page.goto(f"{console}/reports/map")
    _shot(page, "reports-map")
    page.goto(f"{console}/reports/{filed.ticket}")
    expect(page.locator("h1")).to_contain_text(filed.ticket)
    _shot(page, "report-detail")
    page.fill("#verify input[name=note]", "已通知市政养护所")
    page.click("#verify button[type=submit]")
    expect(page.locator(".done")).to_contain_text("积分")
    assert "积分" in _text(fake, rider, asked, "已通知市政养护所")
    asked = say(fake, rider, "我有多少积分")
    assert _points(replies(fake, rider, asked)) > before == 0

    applied = applications.submit("telegram", sender, "赵六", phone, new_id_number(), "饿了么骑手", "青禾",
                                  consent=True)
    page.goto(f"{console}/union/")
    _shot(page, "union")
    row = page.locator("#applications tr", has_text=applied.reference)
    row.locator("button.approve").click()
    expect(page.locator(".done")).to_contain_text(f"{applied.reference} 已通过")
    assert "已通过" in _text(fake, rider, asked, applied.reference)

    for path, name in (("/dashboard", "dashboard"), ("/training/", "training"), ("/questions", "questions")):
        page.goto(f"{console}{path}")
        _shot(page, name)
