"""Latency the Telegram front end adds per message, measured against the fake Bot API server on 127.0.0.1.

For each message: total = from the fake server handing the update to the bot (getUpdates) to the bot's
sendMessage; Rasa alone = the same message posted straight to Rasa's REST channel. The bot's own share is the
difference. Runs the real bot, Rasa and action server over a temporary SQLite database.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import requests

from harness.assistant import fresh_database, running_assistant
from harness.fake_telegram import FakeTelegram, text_update
from harness.telegram_bot import start_bot

MESSAGES = ["你好", "谢谢", "你能做什么", "今天股市怎么样", "你是机器人吗", "我有多少积分", "拜拜"]
ROUNDS = 15


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for url in fresh_database("sqlite", tmp):
            for assistant in running_assistant(url, tmp):
                fake = FakeTelegram().start()
                bot = start_bot(assistant, fake, tmp)
                try:
                    measure(assistant, fake)
                finally:
                    bot.terminate()
                    bot.wait(20)
                    fake.stop()


def measure(assistant, fake: FakeTelegram) -> None:  # type: ignore[no-untyped-def]
    total, direct, first = [], [], {}
    rider = random.randint(10**8, 10**9)
    for text in ("/start", "你好"):  # the first answers, as a newcomer would see them
        update_id = fake.push(text_update(fake.new_update_id(), rider, text))
        while update_id not in fake.delivered_at:  # replies to the message before may still be arriving
            time.sleep(0.001)
        reply = fake.wait_for("sendMessage", rider, after=fake.delivered_at[update_id], timeout=30)[0]
        first[text] = reply.at - fake.delivered_at[update_id]
    for _ in range(ROUNDS):
        for text in MESSAGES:
            rider += 1
            update_id = fake.push(text_update(fake.new_update_id(), rider, text))
            reply = fake.wait_for("sendMessage", rider, timeout=30)[0]
            total.append((reply.at - fake.delivered_at[update_id]) * 1000)
            started = time.monotonic()
            requests.post(f"{assistant.rasa_url}/webhooks/rest/webhook",
                          json={"sender": f"bench-{rider}", "message": text}, timeout=30).raise_for_status()
            direct.append((time.monotonic() - started) * 1000)
    print(f"first answers: /start {first['/start'] * 1000:.0f} ms, 你好 {first['你好'] * 1000:.0f} ms")
    print(f"n={len(total)} messages")
    print(f"through the bot: median {statistics.median(total):.1f} ms, p95 {percentile(total, 0.95):.1f} ms")
    print(f"Rasa REST alone: median {statistics.median(direct):.1f} ms, p95 {percentile(direct, 0.95):.1f} ms")
    print(f"added by the bot: median {statistics.median(total) - statistics.median(direct):.1f} ms, "
          f"p95 {percentile(total, 0.95) - percentile(direct, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
