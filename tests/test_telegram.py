"""The real bot (`python -m bot`) against a fake Bot API server on 127.0.0.1, the real Rasa and action server."""
from __future__ import annotations

import io
import time
from pathlib import Path

import requests
from PIL import Image
from sqlalchemy import select

from bot.render import ButtonPayloads, render, split_text, utf16_len
from conftest import Assistant, replies, say
from harness.assistant import free_port, stop
from harness.telegram_bot import start_bot
from harness.fake_telegram import FakeTelegram, callback_update, message_update, text_update
from nuanxin import db, knowledge
from nuanxin.messaging import outbox
from nuanxin.models import HandoffTicket, InboundMessage, OutboxMessage

HOTLINE = next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == "district_hotline")




def test_hello_gets_the_menu_as_inline_buttons(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = say(fake, rider, "你好")
    call = fake.wait_for("sendMessage", rider, after=after)[0]
    assert "暖新助手" in call.params["text"] and "parse_mode" not in call.params
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert {"政策咨询", "转人工"} <= {b["text"] for b in buttons}
    assert "/ask_human" in {b["callback_data"] for b in buttons}


def test_start_shows_the_privacy_notice(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = say(fake, rider, "/start")
    assert "个人信息说明" in replies(fake, rider, after)[0]


def test_tapping_a_button_sends_its_payload(bot: Path, fake: FakeTelegram, rider: int, assistant: Assistant) -> None:
    after = time.monotonic()
    fake.push(callback_update(fake.new_update_id(), rider, "/ask_human"))
    fake.wait_for("answerCallbackQuery", after=after)
    assert "工单号" in replies(fake, rider, after)[0]
    with db.session_scope(assistant.database_url) as session:
        ticket = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id == f"tg-{rider}")).scalar_one()
        assert ticket.channel == "telegram"


def test_location_is_relayed_in_the_contract_form(bot: Path, fake: FakeTelegram, rider: int,
                                                  assistant: Assistant) -> None:
    after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider, location={"latitude": 31.5721, "longitude": 120.3312}))
    first = replies(fake, rider, after)  # header and three stations in one message
    assert "离您的位置最近的" in first[0] and "\n1. " in first[0] and "\n3. " in first[0]
    live_after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider, edited=True,
                             location={"latitude": 31.5722, "longitude": 120.3313, "live_period": 900}))
    assert "离您的位置最近的" in replies(fake, rider, live_after)[0]
    with db.session_scope(assistant.database_url) as session:
        texts = session.execute(select(InboundMessage.text).where(InboundMessage.chat_id == str(rider))
                                .order_by(InboundMessage.id)).scalars().all()
    assert texts == ['/share_location{"latitude": 31.5721, "longitude": 120.3312}',
                     '/share_location{"latitude": 31.5722, "longitude": 120.3313}']


def test_asking_for_a_station_shows_the_location_button(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = say(fake, rider, "附近哪里能充电")
    call = fake.wait_for("sendMessage", rider, after=after)[0]
    assert "发送您的位置" in call.params["text"]
    assert call.params["reply_markup"]["keyboard"][0][0]["request_location"] is True


def test_directions_come_with_a_venue(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider, location={"latitude": 31.5803, "longitude": 120.3655}))
    replies(fake, rider, after)
    after = say(fake, rider, "第一个怎么走")
    venue = fake.wait_for("sendVenue", rider, after=after)[0]
    assert venue.params["title"] and float(venue.params["latitude"]) > 31


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _photo_update(fake: FakeTelegram, rider: int, file_id: str, size: int, caption: str | None = None) -> dict:
    sizes = [{"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 8, "height": 6, "file_size": 100},
             {"file_id": file_id, "file_unique_id": file_id, "width": 64, "height": 48, "file_size": size}]
    return message_update(fake.new_update_id(), rider, photo=sizes, **({"caption": caption} if caption else {}))


def test_photo_is_downloaded_checked_and_stored(bot: Path, fake: FakeTelegram, rider: int) -> None:
    data = _jpeg()
    fake.files[f"photos/ph{rider}.jpg"] = data
    after = time.monotonic()
    fake.push(_photo_update(fake, rider, f"ph{rider}", len(data)))
    assert "收到您的照片" in replies(fake, rider, after)[0]
    assert [c.params["file_id"] for c in fake.calls_to("getFile", after=after)] == [f"ph{rider}"]
    stored = list((bot / "photos").glob("*.jpg"))
    assert any(Image.open(p).size == Image.open(io.BytesIO(data)).size for p in stored)


def test_a_file_that_is_not_an_image_is_refused(bot: Path, fake: FakeTelegram, rider: int) -> None:
    fake.files[f"photos/bad{rider}.jpg"] = b"%PDF-1.4 not a photo"
    after = time.monotonic()
    fake.push(_photo_update(fake, rider, f"bad{rider}", 20))
    assert "不是照片" in replies(fake, rider, after)[0]


def test_a_too_large_photo_is_refused_before_download(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = time.monotonic()
    fake.push(_photo_update(fake, rider, f"big{rider}", 5 * 2**20))
    assert "照片有点大" in replies(fake, rider, after)[0]
    assert not fake.calls_to("getFile", after=after)


def test_voice_gets_a_polite_explanation(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider,
                             voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
    assert "只能看懂文字、位置和照片" in replies(fake, rider, after)[0]


def test_contact_only_of_oneself_and_stored_masked(bot: Path, fake: FakeTelegram, rider: int,
                                                  assistant: Assistant) -> None:
    after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider, contact={
        "phone_number": "13912345678", "first_name": "别人", "user_id": rider + 1}))
    assert "本人的手机号" in replies(fake, rider, after)[0]
    after = time.monotonic()
    fake.push(message_update(fake.new_update_id(), rider, contact={
        "phone_number": "13912345678", "first_name": "骑手", "user_id": rider}))
    replies(fake, rider, after)
    with db.session_scope(assistant.database_url) as session:
        stored = session.execute(select(InboundMessage.text).where(InboundMessage.chat_id == str(rider))
                                 ).scalars().all()
    assert stored == ['/inform{"phone": "139****5678"}']


def test_the_same_update_twice_is_handled_once(bot: Path, fake: FakeTelegram, rider: int,
                                               assistant: Assistant) -> None:
    update = text_update(fake.new_update_id(), rider, "谢谢")
    after = time.monotonic()
    fake.push(update)
    fake.push(dict(update))
    replies(fake, rider, after)
    time.sleep(1.5)
    assert len(fake.calls_to("sendMessage", rider, after=after)) == 1
    with db.session_scope(assistant.database_url) as session:
        assert len(session.execute(select(InboundMessage).where(InboundMessage.chat_id == str(rider))
                                   ).scalars().all()) == 1


def test_one_chats_messages_are_answered_in_order(bot: Path, fake: FakeTelegram, rider: int) -> None:
    after = time.monotonic()
    for text in ("你好", "转人工", "谢谢", "拜拜"):
        fake.push(text_update(fake.new_update_id(), rider, text))
    got = replies(fake, rider, after, count=4)
    assert "暖新助手" in got[0] and "工单号" in got[1] and "不客气" in got[2] and "再见" in got[3]


def test_outbox_messages_are_sent_once_and_paced(bot: Path, fake: FakeTelegram, rider: int,
                                                assistant: Assistant) -> None:
    after = time.monotonic()
    with db.session_scope(assistant.database_url) as session:
        assert outbox.enqueue(session, "telegram", str(rider), {"text": "您上报的问题已处理"}, f"t-{rider}-1")
        assert outbox.enqueue(session, "telegram", str(rider), {"text": "第二条通知"}, f"t-{rider}-2")
        assert not outbox.enqueue(session, "telegram", str(rider), {"text": "重复"}, f"t-{rider}-1")
    calls = fake.wait_for("sendMessage", rider, after=after, count=2)
    assert [c.params["text"] for c in calls] == ["您上报的问题已处理", "第二条通知"]
    assert calls[1].at - calls[0].at >= 0.95
    time.sleep(1)
    assert len(fake.calls_to("sendMessage", rider, after=after)) == 2
    with db.session_scope(assistant.database_url) as session:
        rows = session.execute(select(OutboxMessage).where(OutboxMessage.recipient == str(rider))).scalars().all()
        assert {r.status for r in rows} == {"sent"} and len(rows) == 2


def test_rasa_down_mid_conversation_then_back(bot: Path, fake: FakeTelegram, rider: int,
                                             assistant: Assistant) -> None:
    after = say(fake, rider, "你好")
    replies(fake, rider, after)
    assistant.stop_rasa()
    try:
        after = say(fake, rider, "转人工")
        busy = replies(fake, rider, after)[0]
        assert "有点忙" in busy and HOTLINE["phone"] in busy
        with db.session_scope(assistant.database_url) as session:
            status = session.execute(select(InboundMessage.status).where(InboundMessage.chat_id == str(rider))
                                     .order_by(InboundMessage.id.desc())).scalars().first()
        assert status == "failed"
    finally:
        assistant.start_rasa()
    late = replies(fake, rider, after, count=3)
    assert "刚才服务繁忙" in late[1] and "转人工" in late[1] and "工单号" in late[2]


def test_webhook_refuses_a_wrong_secret(assistant: Assistant, fake: FakeTelegram, rider: int,
                                       tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    started = time.monotonic()
    proc = start_bot(assistant, fake, tmp_path, TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_SECRET="s3cret-token",
                     TELEGRAM_WEBHOOK_PORT=str(port))
    try:
        hook = fake.wait_for("setWebhook", after=started, timeout=30)[0]
        assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret-token"
        update = text_update(fake.new_update_id(), rider, "你好")
        deadline = time.monotonic() + 20
        while True:
            try:
                refused = requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                        timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert refused.status_code == 403
        after = time.monotonic()
        accepted = requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                                 timeout=5)
        assert accepted.status_code == 200
        assert "暖新助手" in replies(fake, rider, after)[0]
    finally:
        stop(proc)


def test_long_text_is_split_within_telegram_limits() -> None:
    text = ("第一段" * 1000 + "\n") * 3 + "😀" * 3000
    chunks = split_text(text)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
    assert all(0 < utf16_len(c) <= 4096 for c in chunks) and len(chunks) >= 3


def test_markup_is_sent_as_plain_text_and_long_payloads_fit() -> None:
    payloads = ButtonPayloads()
    long_payload = '/share_location{"latitude": 31.572112345, "longitude": 120.331212345, "extra": "xxxxxxxx"}'
    out = render([{"text": "<b>加粗</b> *星号* _下划线_", "buttons": [{"title": "附近", "payload": long_payload}]},
                  {"text": "请发送位置"}, {"custom": {"request_location": True}},
                  {"custom": {"venue": {"latitude": 31.5, "longitude": 120.3, "title": "暖蜂小筑", "address": "路"}}}],
                 payloads, "📍 发送我的位置")
    assert out[0].text == "<b>加粗</b> *星号* _下划线_"
    data = out[0].markup.inline_keyboard[0][0].callback_data
    assert len(data.encode()) <= 64 and payloads.decode(data) == long_payload
    assert out[1].markup.keyboard[0][0].request_location
    assert out[2].kind == "venue" and out[2].extra["title"] == "暖蜂小筑"


def test_paragraphs_rasa_cut_apart_arrive_as_one_message() -> None:
    out = render([{"recipient_id": "1", "text": "离您最近的驿站："}, {"recipient_id": "1", "text": "1. 暖蜂小筑"},
                  {"recipient_id": "1", "text": "2. 小哥驿站", "buttons": [{"title": "怎么走", "payload": "/x"}]},
                  {"recipient_id": "1", "text": "下一条"}], ButtonPayloads(), "📍 发送我的位置")
    assert [o.text for o in out] == ["离您最近的驿站：\n\n1. 暖蜂小筑\n\n2. 小哥驿站", "下一条"]
    assert out[0].markup.inline_keyboard[0][0].callback_data == "/x"

