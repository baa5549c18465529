"""Time from a report message to its ticket, through the real model, action server and a SQLite database.

Each simulated rider sends one message that says what and where (a problem at a named place); when open reports
of the same category are nearby the assistant first asks whether it is the same problem, and the rider answers
"不是" (that second round trip is included in its time to ticket, and counted). Then the same as a three-step
form (what, where as a pin, no photo, confirm) for comparison. `make bench`.
"""
from __future__ import annotations

import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from harness.assistant import fresh_database, running_assistant
from nuanxin import knowledge

TICKET = re.compile(r"SB-\d{8}-\d{4}")
PROBLEMS = ["门口井盖没了", "旁边路灯不亮", "门口垃圾堆成山了", "附近红绿灯坏了", "楼道里有人飞线充电",
            "门口消防通道被堵了"]
ROUNDS = 3


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def main() -> None:
    places = [lm["name"] for lm in knowledge.read_yaml("landmarks.yml")["landmarks"]]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for url in fresh_database("sqlite", tmp):
            for assistant in running_assistant(url, tmp):
                assistant.say("bench-warm", "你好")
                one, with_offer, missed = [], [], []
                for _ in range(ROUNDS):
                    for place in places:
                        for problem in PROBLEMS:
                            sender = f"bench-{uuid.uuid4().hex[:8]}"
                            started = time.perf_counter()
                            reply = _texts(assistant.say(sender, place + problem))
                            times = one
                            if "是同一个吗" in reply:
                                times = with_offer
                                reply = _texts(assistant.say(sender, "/deny"))
                            if TICKET.search(reply):
                                times.append((time.perf_counter() - started) * 1000)
                            else:
                                missed.append(place + problem)
                form = []
                for i in range(20):
                    sender = f"bench-form-{uuid.uuid4().hex[:8]}"
                    steps = ["我要上报", "井盖没了",
                             '/share_location{"latitude": %.5f, "longitude": %.5f}' % (31.50 + i * 0.004, 120.30),
                             "/deny", "/affirm"]
                    started = time.perf_counter()
                    for step in steps:
                        reply = _texts(assistant.say(sender, step))
                    if TICKET.search(reply):
                        form.append((time.perf_counter() - started) * 1000)
    print(f"report message -> ticket, one message says what and where (n={len(one)}): "
          f"median {statistics.median(one):.0f} ms, p95 {percentile(one, 0.95):.0f} ms")
    print(f"  the same with the same-problem offer answered 不是 first (n={len(with_offer)}): "
          f"median {statistics.median(with_offer):.0f} ms, p95 {percentile(with_offer, 0.95):.0f} ms")
    print(f"  no ticket (not read as a report): {len(missed)} {missed}")
    print(f"report form, 5 messages -> ticket (n={len(form)}): median {statistics.median(form):.0f} ms, "
          f"p95 {percentile(form, 0.95):.0f} ms")


if __name__ == "__main__":
    main()
