"""Training: a catalogue that is never empty, filters in the rider's words, seats and a waitlist that can neither
overbook nor skip anyone (50 riders at once for 10 seats), freed seats offered in order, reminders sent once."""
from __future__ import annotations

import json
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from conftest import Assistant, payloads, texts
from harness.assistant import age_conversation
from nuanxin import db, knowledge
from nuanxin.models import CourseSession, Enrollment, OutboxMessage
from nuanxin.numbering import CHINA_TIME
from nuanxin.training import catalogue, enrollment

Place = enrollment.Place
HOTLINE = next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == "district_hotline")["phone"]


def _run(capacity: int, days: int = 5, hour: int = 14) -> str:
    """A run of its own (staff's function), so that tests sharing a database never share seats."""
    day = datetime.now(CHINA_TIME).date() + timedelta(days=days)
    starts = datetime(day.year, day.month, day.day, hour, random.randrange(60), tzinfo=CHINA_TIME)
    return catalogue.add_run("JJ-301", starts + timedelta(seconds=random.randrange(60)), "青禾区职工服务中心",
                             capacity)


def _riders(n: int) -> list[str]:
    tag = uuid.uuid4().hex[:6]
    return [f"r{i}-{tag}" for i in range(n)]


def _phone(i: int) -> str:
    return f"139{i:08d}"


def _places(db_url: str, run_id: str) -> list[Enrollment]:
    with db.session_scope(db_url) as session:
        places = session.execute(select(Enrollment).where(Enrollment.session_id == run_id)
                                 .order_by(Enrollment.arrival)).scalars().all()
        session.expunge_all()
        return places


def _seats_hold(db_url: str, run_id: str) -> None:
    """The invariant: seats_taken is exactly the enrolled and offered places, within capacity, and nobody waits
    while a seat is free."""
    with db.session_scope(db_url) as session:
        run = session.get(CourseSession, run_id)
        holding = session.execute(select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == run_id, Enrollment.status.in_(enrollment.HOLDS_SEAT))).scalar_one()
        waiting = session.execute(select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == run_id, Enrollment.status == Place.WAITLISTED.value)).scalar_one()
        assert run.seats_taken == holding <= run.capacity
        assert waiting == 0 or run.seats_taken == run.capacity


def test_sample_runs_are_dated_from_the_day_they_are_loaded_and_keep_their_date(db_url: str,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    listed = catalogue.listing(limit=100).runs
    lines = {line["id"] for course in knowledge.read_yaml("training.yml")["courses"] for line in course["sessions"]}
    assert {r.id.rsplit("-", 1)[0] for r in listed} == lines  # every sample line has an upcoming run
    with db.session_scope(db_url) as session:
        knowledge.load(session)  # the same day again: nothing new, nothing moved
    assert catalogue.listing(limit=100).runs == listed
    later = datetime.now(timezone.utc) + timedelta(days=400)  # a newcomer a year on still finds courses
    with db.session_scope(db_url) as session:
        knowledge.load(session, now=later)
    assert len(catalogue.listing(now=later, limit=100).runs) == len(lines)
    assert catalogue.listing(limit=100).runs[:len(listed)] == listed  # the runs already there kept their dates


@pytest.mark.parametrize("words, wanted", [
    ("直播的课", {"ZB-101", "ZB-102"}), ("有急救培训吗", {"JJ-301"}),
    ("晚上的", {"ZB-101", "ZB-102", "AQ-201", "JN-401"}), ("免费的", {"ZB-101", "ZB-102", "AQ-201", "JJ-301"})])
def test_the_catalogue_is_narrowed_by_the_riders_words(db_url: str, monkeypatch: pytest.MonkeyPatch, words: str,
                                                       wanted: set[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    found = catalogue.listing(words, limit=100)
    assert found.matched and {r.id.split("-")[0] + "-" + r.id.split("-")[1] for r in found.runs} == wanted
    if "晚上" in words:
        assert all(int(r.when.split()[-1][:2]) >= 18 for r in found.runs)


def test_next_week_means_the_calendar_week_after_this_one(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    today = datetime.now(CHINA_TIME).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    found = catalogue.listing("下周有什么课", limit=100)  # the sample runs (+3 … +12 days) always reach next week
    with db.session_scope(db_url) as session:
        days = {session.get(CourseSession, r.id).starts_at for r in found.runs}
    assert found.matched and days
    assert all(monday <= catalogue.aware(d).astimezone(CHINA_TIME).date() < monday + timedelta(days=7) for d in days)
    nothing = catalogue.listing("明天有课吗")  # no sample run is tomorrow: every run is shown, and the reply says so
    assert not nothing.matched and nothing.runs and nothing.filters.words() == "明天"


def test_a_typed_choice_means_one_run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    shown = [r.id for r in catalogue.listing().runs]
    assert catalogue.choose("报第二个", shown) == [shown[1]]
    assert catalogue.choose("第8个", shown) == []
    assert [i.split("-")[0] for i in catalogue.choose("报急救那个", shown)] == ["JJ"]
    assert len(catalogue.choose("主播那个", shown)) >= 2  # two courses for hosts: the rider is asked which
    assert catalogue.choose("网络主播第一课", shown)[0].startswith("ZB-101")


def test_seats_then_a_waitlist_then_a_freed_seat_is_offered_in_order(db_url: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=1)
    a, b, c = _riders(3)
    assert enrollment.enroll("rest", a, run, "张伟", _phone(1), consent=True).status == Place.ENROLLED.value
    second = enrollment.enroll("rest", b, run, "李娜", _phone(2), consent=True)
    third = enrollment.enroll("rest", c, run, "王芳", _phone(3), consent=True)
    assert (second.status, second.waiting, third.waiting) == (Place.WAITLISTED.value, 1, 2)
    assert enrollment.enroll("rest", b, run, "李娜", _phone(2), consent=True).existing  # a retry changes nothing
    assert enrollment.enroll("rest", "nobody", run, "赵六", _phone(4), consent=False) is None
    assert enrollment.cancel("rest", a).done.run_id == run
    assert [p.status for p in _places(db_url, run)] == [Place.CANCELLED.value, Place.OFFERED.value,
                                                        Place.WAITLISTED.value]
    _seats_hold(db_url, run)
    with db.session_scope(db_url) as session:
        offers = session.execute(select(OutboxMessage).where(OutboxMessage.recipient == b)).scalars().all()
        assert len(offers) == 1 and "/accept_training_offer" in offers[0].payload
    # b lets the offer lapse: it passes to c after 24 hours, b is told once
    assert enrollment.expire_offers(datetime.now(timezone.utc) + timedelta(hours=23)) == 0
    assert enrollment.expire_offers(datetime.now(timezone.utc) + timedelta(hours=25)) == 1
    assert enrollment.expire_offers(datetime.now(timezone.utc) + timedelta(hours=26)) == 0
    assert [p.status for p in _places(db_url, run)][1:] == [Place.EXPIRED.value, Place.OFFERED.value]
    assert enrollment.answer_offer("rest", b, run, accept=True).status == Place.EXPIRED.value  # too late
    assert enrollment.answer_offer("rest", c, run, accept=True).status == Place.ENROLLED.value
    _seats_hold(db_url, run)
    assert [(p.run_id, p.status) for p in enrollment.mine("rest", c)] == [(run, Place.ENROLLED.value)]
    assert enrollment.mine("rest", a) == [] and enrollment.mine("rest", b) == []


def test_a_declined_offer_passes_on_and_the_last_seat_returns_to_the_pool(db_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=1)
    a, b = _riders(2)
    enrollment.enroll("rest", a, run, "张伟", _phone(11), consent=True)
    enrollment.enroll("rest", b, run, "李娜", _phone(12), consent=True)
    enrollment.cancel("rest", a, run)
    assert enrollment.answer_offer("rest", b, run, accept=False).status == Place.CANCELLED.value
    _seats_hold(db_url, run)
    with db.session_scope(db_url) as session:
        assert session.get(CourseSession, run).seats_taken == 0


def test_a_reminder_the_day_before_is_sent_once_in_the_morning(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=5, days=3)
    rider, = _riders(1)
    enrollment.enroll("rest", rider, run, "张伟", _phone(21), consent=True)
    with db.session_scope(db_url) as session:
        starts = catalogue.aware(session.get(CourseSession, run).starts_at)
    day_before = (starts.astimezone(CHINA_TIME) - timedelta(days=1)).replace(hour=9, minute=0)
    assert enrollment.send_reminders(day_before - timedelta(days=1)) == 0  # two days before: not yet
    assert enrollment.send_reminders(day_before.replace(hour=0, minute=30)) == 0  # not in the night
    with ThreadPoolExecutor(max_workers=4) as pool:  # the scheduler running twice at once
        sent = sum(pool.map(lambda _: enrollment.send_reminders(day_before), range(4)))
    assert sent == 1 and enrollment.send_reminders(day_before + timedelta(hours=3)) == 0
    with db.session_scope(db_url) as session:
        reminders = session.execute(select(OutboxMessage).where(
            OutboxMessage.recipient == rider, OutboxMessage.dedupe_key.like("training-reminder:%"))).scalars().all()
        assert len(reminders) == 1 and "明天开课" in reminders[0].payload


def test_nothing_changes_once_a_run_has_started_and_an_offer_never_outlasts_the_start(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=1, days=2)
    a, b, c = _riders(3)
    for i, rider in enumerate((a, b, c)):
        enrollment.enroll("rest", rider, run, "张伟", _phone(40 + i), consent=True)
    with db.session_scope(db_url) as session:
        starts = catalogue.aware(session.get(CourseSession, run).starts_at)
    enrollment.cancel("rest", a, run, now=starts - timedelta(hours=2))  # two hours before: b is offered the seat
    offered = [p for p in _places(db_url, run) if p.status == Place.OFFERED.value]
    assert len(offered) == 1 and catalogue.aware(offered[0].offer_expires_at) == starts  # not 24 hours
    after = starts + timedelta(minutes=5)
    assert enrollment.answer_offer("rest", b, run, accept=True, now=after) is None
    assert enrollment.cancel("rest", b, run, now=after).done is None
    assert enrollment.expire_offers(after) == 1  # b's offer lapsed at the start: the seat is released, c not asked
    assert [p.status for p in _places(db_url, run)] == [Place.CANCELLED.value, Place.EXPIRED.value,
                                                        Place.WAITLISTED.value]
    with db.session_scope(db_url) as session:
        assert session.get(CourseSession, run).seats_taken == 0
        assert not session.execute(select(OutboxMessage).where(OutboxMessage.recipient == c)).scalars().all()


def test_two_schedulers_expiring_offers_at_once_pass_each_seat_on_once(db_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=2, days=4)
    riders = _riders(6)
    for i, rider in enumerate(riders):
        enrollment.enroll("rest", rider, run, "张伟", _phone(60 + i), consent=True)
    enrollment.cancel("rest", riders[0], run)
    enrollment.cancel("rest", riders[1], run)  # riders 2 and 3 are offered the two seats
    later = datetime.now(timezone.utc) + timedelta(hours=25)
    with ThreadPoolExecutor(max_workers=4) as pool:
        expired = sum(pool.map(lambda _: enrollment.expire_offers(later), range(4)))
    assert expired == 2
    _seats_hold(db_url, run)
    assert [p.status for p in _places(db_url, run)][2:] == [Place.EXPIRED.value] * 2 + [Place.OFFERED.value] * 2


def test_fifty_riders_at_once_for_ten_seats(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the requests really race (SQLite serialises writers and must agree): exactly 10 seats, 40
    waiting in the order they arrived, nobody twice, and every retry finds its place unchanged."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=10)
    riders = _riders(50)

    def attempt(i: int) -> enrollment.Booked:
        return enrollment.enroll("rest", riders[i], run, "张伟", _phone(100 + i), consent=True)

    with ThreadPoolExecutor(max_workers=50) as pool:
        first = list(pool.map(attempt, range(50)))
    with ThreadPoolExecutor(max_workers=50) as pool:  # everyone's request again at once (a retried webhook)
        again = list(pool.map(attempt, range(50)))
    places = _places(db_url, run)
    assert len(places) == 50 and len({p.person_id for p in places}) == 50
    assert [p.arrival for p in places] == list(range(1, 51))
    assert [p.status for p in places] == [Place.ENROLLED.value] * 10 + [Place.WAITLISTED.value] * 40
    assert sorted(b.waiting for b in first if b.status == Place.WAITLISTED.value) == list(range(1, 41))
    assert all(b.existing for b in again) and [b.status for b in again] == [b.status for b in first]
    _seats_hold(db_url, run)


def test_cancels_offers_and_answers_racing_never_leave_a_seat_both_taken_and_offered(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    run = _run(capacity=4)
    riders = _riders(12)
    for i, rider in enumerate(riders):
        enrollment.enroll("rest", rider, run, "张伟", _phone(300 + i), consent=True)
    later = datetime.now(timezone.utc) + timedelta(hours=30)

    def churn(i: int) -> None:
        rider = riders[i]
        if i % 3 == 0:
            enrollment.cancel("rest", rider, run)
        elif i % 3 == 1:
            enrollment.answer_offer("rest", rider, run, accept=True)
        else:
            enrollment.expire_offers(later)
        enrollment.answer_offer("rest", riders[(i + 5) % 12], run, accept=i % 2 == 0)

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(churn, range(12)))
    _seats_hold(db_url, run)
    places = _places(db_url, run)
    offered = [p for p in places if p.status == Place.OFFERED.value]
    assert all(p.offer_expires_at is not None for p in offered)
    waiting = [p.arrival for p in places if p.status == Place.WAITLISTED.value]
    passed = [p.arrival for p in places if p.status in (Place.OFFERED.value, Place.EXPIRED.value)]
    assert not passed or not waiting or max(a for a in passed) < min(waiting)  # offers went in arrival order


def test_enroll_in_chat_with_a_question_and_a_correction_then_look_it_up_and_give_it_up(
        assistant: Assistant, sender: str) -> None:
    catalogue_reply = assistant.say(sender, "有直播的课吗")
    assert texts(catalogue_reply).startswith("符合“直播”的培训")
    ranks = [p for p in payloads(catalogue_reply) if p.startswith("/choose_training")]
    first_class = next(i for i, p in enumerate(ranks, 1) if '"ZB-101-' in p)  # 网络主播第一课, wherever it is listed
    assert "同意并填写" in texts(assistant.say(sender, f"报第{first_class}个"))
    assert "姓名" in texts(assistant.say(sender, "好"))
    asked = texts(assistant.say(sender, "要钱吗"))  # a question in the middle: answered, then the same question
    assert "免费" in asked and asked.splitlines()[-1] == "请告诉我您的姓名。" and "汉字" not in asked
    assert "手机号" in texts(assistant.say(sender, "李娜"))
    summary = texts(assistant.say(sender, "13800002222"))
    assert "网络主播第一课" in summary and "李*" in summary and "138****2222" in summary
    changed = texts(assistant.say(sender, "电话写错了，是13800003333"))
    assert "138****3333" in changed and "李*" in changed  # that field only, shown back masked
    assert "报名成功" in texts(assistant.say(sender, "对 提交吧"))
    mine = texts(assistant.say(sender, "我报了哪些课"))
    assert "网络主播第一课" in mine and "已报名" in mine
    assert "已为您取消" in texts(assistant.say(sender, "这课我不去了"))
    assert "没有报名" in texts(assistant.say(sender, "我报了哪些课"))


def test_a_full_run_gives_a_waitlist_place_and_a_freed_seat_is_offered_in_chat(assistant: Assistant,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    run = _run(capacity=1, days=6)
    first, second = f"tr-{uuid.uuid4().hex[:8]}", f"tr-{uuid.uuid4().hex[:8]}"
    for rider, name, phone in ((first, "张伟", "13600001111"), (second, "王芳", "13600002222")):
        assistant.say(rider, "/choose_training" + json.dumps({"training_session": run}))
        assistant.say(rider, "/affirm")
        assistant.say(rider, name)
        summary = texts(assistant.say(rider, phone))
        done = texts(assistant.say(rider, "/affirm"))
    assert "报满" in summary and "候补第 1 位" in done
    assert "候补第 1 位" in texts(assistant.say(second, "我报了哪些课"))
    assistant.say(first, "取消报名")
    with db.session_scope(assistant.database_url) as session:
        offer = session.execute(select(OutboxMessage).where(OutboxMessage.recipient == second)).scalar_one()
        button = json.loads(offer.payload)["buttons"][0]["payload"]
    assert "已确认" in texts(assistant.say(second, button))
    assert "已报名" in texts(assistant.say(second, "我报了哪些课"))


def test_three_wrong_answers_bring_the_hotline_and_cancel_keeps_nothing(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "有什么培训")
    assistant.say(sender, "第二个")
    assistant.say(sender, "/affirm")
    assistant.say(sender, "赵敏")
    assert HOTLINE not in texts(assistant.say(sender, "abc"))
    assert HOTLINE not in texts(assistant.say(sender, "123"))
    third = texts(assistant.say(sender, "4444"))
    assert HOTLINE in third and "手机号" in third.splitlines()[-1]
    assert "没有保存" in texts(assistant.say(sender, "算了"))
    assert "没有报名" in texts(assistant.say(sender, "我报了哪些课"))
    slots = assistant.tracker(sender)["slots"]
    assert slots["training_name"] is None and slots["training_session"] is None and not slots["form_misses"]


def test_three_replies_that_are_neither_yes_nor_no_bring_the_hotline_too(assistant: Assistant, sender: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    assistant.say(sender, "/choose_training" + json.dumps({"training_session": catalogue.listing().runs[0].id}))
    assert HOTLINE not in texts(assistant.say(sender, "13800001111"))
    assert HOTLINE not in texts(assistant.say(sender, "张伟"))
    assert HOTLINE in texts(assistant.say(sender, "东湖街道"))


def test_a_rider_back_after_the_session_expired_is_asked_whether_to_go_on(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "有什么培训")
    assistant.say(sender, "第一个")
    assistant.say(sender, "/affirm")
    assistant.say(sender, "周杰")
    age_conversation(assistant.database_url, sender, 86400)  # the rider comes back the next day
    back = assistant.say(sender, "在吗")
    assert "还没填完" in texts(back) and "/resume_form" in payloads(back)
    assert "手机号" in texts(assistant.say(sender, "继续"))  # the same question where it stopped
    summary = texts(assistant.say(sender, "13500001234"))
    assert "周*" in summary and "135****1234" in summary
    assert "报名成功" in texts(assistant.say(sender, "/affirm"))

