"""City sentinels: filing, duplicates within 250 m, following, the status workflow with exactly-once
notifications, points on verification, the fix question, grid-member registration."""
from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from conftest import Assistant, payloads, texts
from harness.assistant import ROOT
from evals import report as report_eval
from nuanxin import db
from nuanxin.messaging import photos
from nuanxin.models import OutboxMessage
from nuanxin.points import rewards
from nuanxin.report import categories, filing, members, workflow
from nuanxin.report.states import ReportState
from nuanxin.station import geo

SPOT = (31.5721, 120.3312)  # 青禾街道


@pytest.mark.parametrize("text, category", [
    ("春风路和建设路口红绿灯不亮", "交通安全"), ("楼道里有人飞线充电", "消防安全"), ("消防通道被车堵死了", "消防安全"),
    ("井盖没了", "市政设施"), ("小区门口垃圾堆成山", "环境卫生"), ("物业不让骑手进小区", "物业管理"),
    ("有个老人迷路了", "民生求助"), ("有人在撬电动车", "治安隐患"), ("天上飞过一只鸟", "其他")])
def test_category_suggestion(text: str, category: str) -> None:
    assert categories.suggest(text).name == category


def _outbox(db_url: str) -> list[tuple[str, str, dict]]:
    with db.session_scope(db_url) as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        return [(r.channel, r.recipient, json.loads(r.payload)) for r in rows]


def test_a_report_its_duplicate_and_the_whole_workflow(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    registered = members.register("telegram", "tg-1001", "张 三", "138 1234 5678", "青禾", consent=True)
    assert registered == members.Registered("张*", "138****5678", "青禾街道", already=False)
    first = filing.file("telegram", "tg-1001", "春风路和建设路口红绿灯不亮", "TRAFFIC", *SPOT, "春风路建设路口", None)
    assert first.ticket.startswith("SB-") and len(first.ticket) == len("SB-20261128-0001")
    assert (first.status, first.held, first.earns_points) == ("待核实", False, True)

    near = geo.offset(*SPOT, north_m=100, east_m=0)
    offered = filing.nearby_open("TRAFFIC", *near)
    assert [(o.ticket, o.distance_m) for o in offered] == [(first.ticket, 100)]
    assert filing.nearby_open("FIRE", *near) == []  # another category
    assert filing.nearby_open("TRAFFIC", *geo.offset(*SPOT, north_m=300, east_m=0)) == []  # beyond 250 m

    followed = filing.follow("telegram", "tg-2002", first.ticket)
    assert followed is not None and (followed.confirmations, followed.already) == (1, False)
    assert filing.follow("telegram", "tg-2002", first.ticket).already  # the same tap twice
    assert filing.follow("telegram", "tg-1001", first.ticket).already  # one's own report

    changed = workflow.verify(first.ticket, "审核员 李", "已转交交警中队")
    assert (changed.status, changed.notified, changed.points_granted) == ("已受理", 2, 5)
    assert rewards.summary("telegram", "tg-1001").balance == 5
    assert rewards.summary("telegram", "tg-2002").balance == 0  # a follower earns nothing
    with pytest.raises(workflow.NotAllowed):
        workflow.verify(first.ticket, "审核员 李")  # already verified: no second grant
    workflow.change_status(first.ticket, ReportState.IN_PROGRESS, "维修人员已出发", "审核员 李")
    resolved = workflow.change_status(first.ticket, ReportState.RESOLVED, "信号灯已修复", "审核员 李")
    assert resolved.notified == 2

    sent = _outbox(db_url)
    assert [(channel, to) for channel, to, _ in sent] == [("telegram", "1001"), ("telegram", "2002")] * 3
    assert "已受理" in sent[0][2]["text"] and "获得 5 积分" in sent[0][2]["text"]
    assert "获得" not in sent[1][2]["text"]
    assert [b["title"] for b in sent[-1][2]["buttons"]] == ["修好了", "没修好"]

    assert workflow.answer_fixed("telegram", "tg-2002", first.ticket, fixed=False).reopened
    assert workflow.history(first.ticket)[-1][0] == "处理中"
    assert len(_outbox(db_url)) == 8
    workflow.change_status(first.ticket, ReportState.RESOLVED, "已更换控制器", "审核员 李")
    fixed = workflow.answer_fixed("telegram", "tg-1001", first.ticket, fixed=True)
    assert fixed.points_granted == 2 and rewards.summary("telegram", "tg-1001").balance == 7
    assert workflow.answer_fixed("telegram", "tg-1001", first.ticket, fixed=True).points_granted == 0
    assert workflow.answer_fixed("telegram", "tg-3003", first.ticket, fixed=False) is None  # not theirs
    assert [state for state, _, _ in workflow.history(first.ticket)] == [
        "待核实", "已受理", "处理中", "已办结", "处理中", "已办结"]

    mine = filing.mine("telegram", "tg-2002")
    assert [(m.ticket, m.status, m.note, m.own) for m in mine] == [(first.ticket, "已办结", "已更换控制器", False)]


def test_merge_a_duplicate_into_its_original(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    original = filing.file("rest", "a", "楼道里飞线充电", "FIRE", *SPOT, None, None)
    copy = filing.file("rest", "b", "有人在楼道拉电线充电瓶车", "FIRE", *SPOT, None, None)
    assert copy.ticket != original.ticket and not copy.earns_points  # b is a volunteer
    merged = workflow.merge(copy.ticket, original.ticket, "审核员 李", "同一处飞线")
    assert merged.status == "重复"
    assert "已合并" in _outbox(db_url)[-1][2]["text"] and original.ticket in _outbox(db_url)[-1][2]["text"]
    assert [(m.ticket, m.own) for m in filing.mine("rest", "b")] == [(copy.ticket, True), (original.ticket, False)]
    with pytest.raises(workflow.NotAllowed):
        workflow.merge(original.ticket, original.ticket, "审核员 李")
    verified = workflow.verify(original.ticket, "审核员 李")
    assert verified.notified == 2 and verified.points_granted == 0  # a is a volunteer too


def test_abuse_or_other_peoples_numbers_are_held_and_never_offered(db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    held = filing.file("rest", "c", "楼下垃圾没人管 物业电话13812345678 王八蛋", "ENV", *SPOT, None, None)
    assert held.held
    assert filing.nearby_open("ENV", *SPOT) == []
    assert filing.excerpt("物业电话13812345678一直不接") == "物业电话138****5678一直不接"


def test_registration_checks_its_fields(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert members.register("rest", "d", "李四", "13812345678", "青禾街道", consent=False) is members.Problem.NO_CONSENT
    assert members.register("rest", "d", "x", "13812345678", "青禾街道", consent=True) is members.Problem.NAME
    assert members.register("rest", "d", "李四", "1234", "青禾街道", consent=True) is members.Problem.PHONE
    assert members.register("rest", "d", "李四", "13812345678", "火星", consent=True) is members.Problem.STREET
    assert not members.register("rest", "d", "李四", "+8613812345678", "东湖", consent=True).already
    assert members.register("rest", "d", "李四", "13812345678", "东湖", consent=True).already


def _photo_with_gps(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (90, 90, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: metadata that must not survive
    exif[0x8825] = {1: "N", 2: (31.0, 33.0, 14.76), 3: "E", 4: (120.0, 21.0, 32.04)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_lose_their_metadata_and_size_but_offer_their_place(tmp_path: Path) -> None:
    stored = photos.store(_photo_with_gps((4000, 3000)), tmp_path, 10 * 2**20)
    assert stored.gps == pytest.approx((31.5541, 120.3589), abs=1e-4)
    with Image.open(stored.path) as saved:
        assert max(saved.size) == photos.MAX_SIDE and not saved.getexif()
    assert stored.path.name.startswith(hashlib.sha256(stored.path.read_bytes()).hexdigest())
    assert stored.metadata() == {"photo": stored.path.name, "photo_gps": list(stored.gps)}
    again = photos.store(_photo_with_gps((4000, 3000)), tmp_path, 10 * 2**20)
    assert again.path == stored.path  # the same photo twice is one file
    with pytest.raises(photos.PhotoRejected):
        photos.store(b"GIF89a not really", tmp_path, 10 * 2**20)


# --- conversations through the real model, action server and database ---------------------------------------------

TICKET = re.compile(r"SB-\d{8}-\d{4}")


def _pin(north_m: float, east_m: float) -> str:
    lat, lon = geo.offset(*SPOT, north_m=north_m, east_m=east_m)
    return '/share_location{"latitude": %.6f, "longitude": %.6f}' % (lat, lon)


def _ticket(reply: str) -> str:
    found = TICKET.search(reply)
    assert found, reply
    return found.group(0)


def test_one_message_that_says_what_and_where_gets_a_ticket(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "万象汇门口的井盖没了 很危险"))
    assert "编号" in reply and "市政设施" in reply and "待核实" in reply
    assert _ticket(reply) in texts(assistant.say(sender, "我报的怎么样了"))


def test_the_form_asks_for_what_is_missing_and_the_rider_changes_the_category(assistant: Assistant,
                                                                             sender: str) -> None:
    assert "什么问题" in texts(assistant.say(sender, "我要上报"))
    assert "在哪里" in texts(assistant.say(sender, "井盖没了"))
    assert "没找到" in texts(assistant.say(sender, "火星基地"))
    assert "照片" in texts(assistant.say(sender, "人民路和建设路路口"))
    replies = assistant.say(sender, "/share_photo", {"photo": "0" * 64 + ".jpg"})
    summary = texts(replies)
    assert "收到您的照片" in summary and "类别：市政设施" in summary and "照片：有" in summary
    assert '/choose_category{"category": "TRAFFIC"}' in payloads(replies)
    assert "类别：交通安全" in texts(assistant.say(sender, '/choose_category{"category": "TRAFFIC"}'))
    filed = texts(assistant.say(sender, "/affirm"))
    assert "交通安全" in filed and _ticket(filed)


def test_a_second_rider_nearby_is_offered_the_open_report_and_follows_it(assistant: Assistant, sender: str) -> None:
    first = _ticket(texts(assistant.say(sender, "万象汇门口垃圾堆成山了 好臭")))
    other = sender + "-b"
    replies = assistant.say(other, "万象汇这里垃圾没人清理")
    assert "是同一个吗" in texts(replies) and first in texts(replies)
    assert '/follow_report{"ticket": "%s"}' % first in payloads(replies)
    followed = texts(assistant.say(other, '/follow_report{"ticket": "%s"}' % first))
    assert "已关注" in followed and first in followed and "2 人确认" in followed
    listed = texts(assistant.say(other, "我报的怎么样了"))
    assert first in listed and "关注" in listed


def test_not_the_same_files_a_new_one(assistant: Assistant, sender: str) -> None:
    first = _ticket(texts(assistant.say(sender, "万象汇门口消防通道被电动车堵了")))
    other = sender + "-b"
    assert first in texts(assistant.say(other, "万象汇这边消防通道堵住了"))
    second = _ticket(texts(assistant.say(other, "/deny")))
    assert second != first


def test_an_emergency_while_reporting_gets_the_number_first_and_the_report_goes_on(assistant: Assistant,
                                                                                  sender: str) -> None:
    assistant.say(sender, "我要上报")
    replies = texts(assistant.say(sender, "楼道着火了 烟很大"))
    assert replies.splitlines()[0].count("119") == 1
    assert "什么问题" in replies.splitlines()[-1]  # then the report goes on
    assert "取消" in texts(assistant.say(sender, "取消"))
    assert "您好" in texts(assistant.say(sender, "你好"))


def test_a_location_outside_the_district_or_just_here_asks_again(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "我要上报")
    assistant.say(sender, "楼道里有人飞线充电")
    assert "发送我的位置" in texts(assistant.say(sender, "就在这"))
    assert "不在青禾区" in texts(assistant.say(sender, '/share_location{"latitude": 31.2304, "longitude": 121.4737}'))
    assert "照片" in texts(assistant.say(sender, _pin(north_m=1500, east_m=-1500)))  # no open report there
    assert "类别：消防安全" in texts(assistant.say(sender, "不用了"))


def test_staff_changes_reach_the_rider_and_the_fix_question_is_answered(assistant: Assistant, sender: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    assistant.say(sender, "我要上报")
    assistant.say(sender, "红绿灯不亮")
    assistant.say(sender, _pin(north_m=-2000, east_m=1500))  # where no other test reports
    assistant.say(sender, "不用了")
    ticket = _ticket(texts(assistant.say(sender, "/affirm")))
    assert "还在处理" in texts(assistant.say(sender, '/answer_fixed{"ticket": "%s", "fixed": "no"}' % ticket))
    workflow.verify(ticket, "审核员 王", "已通知交警")
    workflow.change_status(ticket, ReportState.RESOLVED, "信号灯已修复", "审核员 王")
    assert "已办结" in texts(assistant.say(sender, "查一下我的上报"))
    reopened = texts(assistant.say(sender, '/answer_fixed{"ticket": "%s", "fixed": "no"}' % ticket))
    assert "重新处理" in reopened and workflow.history(ticket)[-1][0] == "处理中"


def test_points_balance_catalogue_and_a_redemption_spent_once(assistant: Assistant, sender: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    assert "还没有积分" in texts(assistant.say(sender, "我有多少积分"))
    with db.session_scope(assistant.database_url) as session:
        from nuanxin import people
        from nuanxin.points import ledger
        ledger.append(session, people.get_or_create(session, "rest", sender).id, 40, "volunteer_activity",
                      f"act:{sender}")
    balance = texts(assistant.say(sender, "我的积分"))
    assert "40 积分" in balance and "参加志愿服务活动 +40" in balance
    replies = assistant.say(sender, "积分能换什么")
    water = next(p for p in payloads(replies) if "R-WATER" in p)
    assert not any("R-CHECKUP" in p for p in payloads(replies))  # 200 points: not offered with 40
    done = texts(assistant.say(sender, water))
    assert "兑换码" in done and "剩余 10 分" in done
    again = texts(assistant.say(sender, water))  # the same button tapped twice
    assert "没有重复扣分" in again and "10 积分" in again


def test_a_photo_starts_a_report_and_its_place_is_offered(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "/share_photo", {"photo": "1" * 64 + ".jpg", "photo_gps": [31.5531, 120.3512]})
    assert "收到您的照片" in texts(replies) and "拍摄位置" in texts(replies) and "什么问题" in texts(replies)
    offered = [p for p in payloads(replies) if p.startswith("/share_location")]
    assert offered == ['/share_location{"latitude": 31.5531, "longitude": 120.3512}']
    assert "在哪里" in texts(assistant.say(sender, "路边护栏倒了一大片"))
    assert "类别：市政设施" in texts(assistant.say(sender, offered[0]))  # no photo question: it came first


def test_a_grid_member_earns_points_when_staff_verify(assistant: Assistant, sender: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    assert "个人信息说明" in texts(assistant.say(sender, "我想当城市哨兵"))
    assert "姓名" in texts(assistant.say(sender, "/affirm"))
    assert "2—15 个汉字" in texts(assistant.say(sender, "x"))
    assert "手机号" in texts(assistant.say(sender, "王小明"))
    assert "不对" in texts(assistant.say(sender, "123"))
    assert "镇（街道）" in texts(assistant.say(sender, "139 0000 1111"))
    registered = texts(assistant.say(sender, "东湖"))
    assert "注册成功" in registered and "139****1111" in registered and "王*" in registered
    filed = texts(assistant.say(sender, "东湖公园南门的路灯不亮了"))
    assert "核实后您将获得 8 积分" in filed
    workflow.verify(_ticket(filed), "审核员 王")
    assert "8 积分" in texts(assistant.say(sender, "我的积分"))


def test_declining_registration_stores_nothing(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "注册网格员")
    assert "不注册也可以" in texts(assistant.say(sender, "/deny"))
    assert "还没有积分" in texts(assistant.say(sender, "我的积分"))


def test_an_emergency_then_one_tap_files_it_as_a_report(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "小区车棚里电瓶车着火了")
    assert "119" in texts(replies).splitlines()[0]
    tap = next(p for p in payloads(replies) if p.startswith("/report_issue"))
    assert "在哪里" in texts(assistant.say(sender, tap))  # the message is the description already


def test_abuse_is_held_and_never_offered_to_others(assistant: Assistant, sender: str) -> None:
    held = texts(assistant.say(sender, "东湖公园北门垃圾堆成山了 好臭 物业都是王八蛋"))
    assert "先审核" in held
    other = texts(assistant.say(sender + "-b", "东湖公园北门垃圾堆着没人管"))
    assert "是同一个吗" not in other and "编号" in other


def test_category_suggestion_on_the_held_out_reports() -> None:
    """Written by someone who saw nothing of the project; the suggestion never learnt from it."""
    report = report_eval.category_report(report_eval.HELDOUT)
    assert report.n >= 120 and report.accuracy >= 0.85, report.misses


def test_held_out_reports_are_apart_from_the_examples() -> None:
    examples = {text for text, _ in report_eval.reports(report_eval.EXAMPLES)}
    for path in (report_eval.HELDOUT, report_eval.HELDOUT_SEEN):
        assert not examples & {text for text, _ in report_eval.reports(path)}


def test_the_whole_story_two_riders_staff_points_and_notifications(assistant: Assistant, sender: str) -> None:
    """Issue 11's walk-through: a report in one message, a second rider 100 m away follows it, staff verify from
    the terminal (the staff CLI), the first rider's points rise, both have a queued notification."""
    for text in ("注册网格员", "/affirm", "赵大力", "13700001234", "青禾街道"):
        assistant.say(sender, text)
    first = _ticket(texts(assistant.say(sender, "运河公园门口的护栏倒了 一大片")))
    second = sender + "-b"
    assistant.say(second, "我要上报")
    assistant.say(second, "护栏倒了")
    lat, lon = geo.offset(31.5460, 120.3421, north_m=100, east_m=0)
    offered = assistant.say(second, '/share_location{"latitude": %.6f, "longitude": %.6f}' % (lat, lon))
    assert first in texts(offered)
    assert "已关注" in texts(assistant.say(second, '/follow_report{"ticket": "%s"}' % first))
    staff = subprocess.run([sys.executable, "-m", "nuanxin.report", "verify", first, "--actor", "王芳", "--note",
                            "已通知市政维修"], env=assistant.env, cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert staff.returncode == 0, staff.stderr
    listed = subprocess.run([sys.executable, "-m", "nuanxin.report", "list"], env=assistant.env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60).stdout
    assert first in listed and "已受理" in listed and "13700001234" not in listed
    assert "8 积分" in texts(assistant.say(sender, "我的积分"))
    for rider in (sender, second):
        assert "已受理" in texts(assistant.say(rider, "我报的怎么样了"))
    queued = [(to, payload["text"]) for _, to, payload in _outbox(assistant.database_url) if first in payload["text"]]
    assert {to for to, _ in queued} == {sender, second}
    assert all("已通知市政维修" in text for _, text in queued)
