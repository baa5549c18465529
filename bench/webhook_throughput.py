"""Webhook throughput and latency at 1 and 8 riders at once, through the real model, action server and a SQLite
database, with Rasa as it ships and with nuanxin.nlu.speedups (issue 13's first profiled fixes: the
action-response validator built once, event classes indexed by name). Messages: a mix of what riders send (a
greeting, policy questions and a station search answered by custom actions, thanks), each rider in its own
conversation. `make bench`; SECONDS per run below.
"""
from __future__ import annotations

import itertools
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.report_latency import percentile
from harness.assistant import fresh_database, running_assistant

SECONDS = 20
MIX = ["你好", "骑手能不能加入工会", "万象汇附近有驿站吗", "职业伤害保障怎么申请", "送餐超时被罚款合理吗", "谢谢",
       "骑手七不公约是哪七条", "入会要交会费吗"]
ACTION_PATH = {m for m in MIX if m not in ("你好", "谢谢")}


def _rider(url: str, stop: float, times: list[tuple[bool, float]]) -> None:
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    with requests.Session() as http:
        for message in itertools.cycle(MIX):
            if time.monotonic() >= stop:
                return
            started = time.perf_counter()
            http.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
            times.append((message in ACTION_PATH, time.perf_counter() - started))


def _run(url: str, riders: int) -> tuple[float, list[float], list[float]]:
    times: list[tuple[bool, float]] = []
    stop = time.monotonic() + SECONDS
    threads = [threading.Thread(target=_rider, args=(url, stop, times)) for _ in range(riders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / SECONDS, [t for a, t in times if a], [t for _, t in times]


def main() -> None:
    rows = []
    for speedups in ("0", "1"):
        os.environ["NUANXIN_RASA_SPEEDUPS"] = speedups
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            for url in fresh_database("sqlite", tmp):
                for assistant in running_assistant(url, tmp):
                    _run(assistant.rasa_url, 2)  # warm up
                    for riders in (1, 8):
                        rate, action, every = _run(assistant.rasa_url, riders)
                        rows.append((speedups, riders, rate, percentile(every, 0.5), percentile(every, 0.95),
                                     percentile(action, 0.5), percentile(action, 0.95)))
    print(f"webhook throughput ({SECONDS} s per run, {os.cpu_count()} cores, SQLite, one Rasa + one action server)")
    print("| Rasa | riders | msg/s | p50 ms | p95 ms | custom-action p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for speedups, riders, rate, p50, p95, a50, a95 in rows:
        label = "with nuanxin.nlu.speedups" if speedups == "1" else "as shipped"
        print(f"| {label} | {riders} | {rate:.1f} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {a50 * 1000:.0f} | "
              f"{a95 * 1000:.0f} |")


if __name__ == "__main__":
    main()
