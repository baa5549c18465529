"""Page load times of the staff console in Debian's chromium (Playwright): the hand-over queue, the report list
and map over 1,000 reports, one report, and the dashboard; the median and 90th percentile of 20 loads each (the
browser's own navigation timing: request to load event, the page's HTML and its stylesheet), with the server's
share (time to the last byte of the HTML). PostgreSQL, the console process as `make console` runs it (waitress).
`make bench`.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select, update

from harness.assistant import fresh_database
from harness.browser import CHROMIUM, CHROMIUM_ARGS
from harness.console import running_console
from nuanxin import db
from nuanxin.console import accounts
from nuanxin.console.accounts import Role
from nuanxin.handoff import tickets
from nuanxin.models import Report, Station, utcnow
from nuanxin.report import categories, filing
from nuanxin.station import geo

REPORTS = 1000
WAITING = 40
LOADS = 20
PASSWORD = "correct horse battery"
TEXTS = ["井盖松动", "路灯不亮", "垃圾堆了好几天", "红绿灯坏了", "楼道里飞线充电", "消防通道被堵", "物业不让进小区",
         "有人在撬电动车", "老人迷路了", "人行道塌陷"]


def _seed(url: str) -> str:
    os.environ["DATABASE_URL"] = url
    rng = random.Random(7)
    with db.session_scope(url) as session:
        spots = [(s.lat, s.lon) for s in session.execute(select(Station)).scalars()]
    codes = [c.id for c in categories.all_categories()]
    for i in range(REPORTS):
        lat, lon = geo.offset(*rng.choice(spots), north_m=rng.uniform(-300, 300), east_m=rng.uniform(-300, 300))
        filing.file("telegram", f"tg-{1000 + i % 300}", f"{rng.choice(TEXTS)}（第{i}条）", rng.choice(codes), lat, lon,
                    None, None)
    with db.session_scope(url) as session:  # spread over eight weeks, as the dashboard shows them
        for report_id in session.execute(select(Report.id)).scalars():
            session.execute(update(Report).where(Report.id == report_id)
                            .values(created_at=utcnow() - timedelta(hours=rng.uniform(0, 24 * 56))))
    for i in range(WAITING):
        tickets.request("telegram", f"tg-{5000 + i}", "ask_human",
                        [tickets.Turn("user", "我的订单被平台扣钱了，转人工"), tickets.Turn("bot", "好的")])
    accounts.create("bench", "压测", Role.ADMIN, PASSWORD, actor="bench")
    with db.session_scope(url) as session:
        return session.execute(select(Report.ticket).order_by(Report.id.desc())).scalars().first()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        for url in fresh_database("postgresql", Path(tmp_name)):
            ticket = _seed(url)
            with running_console(url) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(locale="zh-CN").new_page()
                page.goto(f"{base}/login")
                page.fill("input[name=username]", "bench")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                pages = [("hand-over queue (40 waiting)", "/handoff/"), ("report list, 1,000 reports", "/reports/"),
                         ("report list filtered by street", "/reports/?street=S01"),
                         ("report map, 1,000 points", "/reports/map"), ("one report", f"/reports/{ticket}"),
                         ("dashboard", "/dashboard")]
                print(f"\nConsole page loads in chromium ({LOADS} loads each; PostgreSQL; {REPORTS} reports)")
                print(f"{'page':34} {'median ms':>10} {'p90 ms':>8} {'HTML ms':>8} {'KB':>6}")
                for name, path in pages:
                    page.goto(f"{base}{path}")  # warm: the first load of a page fills Jinja's template cache
                    loads, html, size = [], [], 0
                    for _ in range(LOADS):
                        page.goto(f"{base}{path}", wait_until="load")
                        timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                            return [n.loadEventEnd - n.startTime, n.responseEnd - n.startTime, n.transferSize]; }""")
                        loads.append(timing[0])
                        html.append(timing[1])
                        size = timing[2]
                    loads.sort()
                    print(f"{name:34} {statistics.median(loads):10.0f} {loads[int(0.9 * LOADS) - 1]:8.0f} "
                          f"{statistics.median(html):8.0f} {size / 1024:6.0f}")
                browser.close()


if __name__ == "__main__":
    main()
