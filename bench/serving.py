"""The assistant as production runs it, measured from outside: one Rasa server (two worker processes,
SANIC_WORKERS=2, one per core) and one action server over PostgreSQL, locks in Redis (NUANXIN_REDIS_URL), through
the public REST door. `make bench` prints one table (copied into the README); its last rows run 8 riders against
Rasa with a single worker, against Rasa's code as shipped, and against two single-worker replicas behind
nuanxin.messaging.balancer (make serve-prod's layout).

Riders send without pause, far faster than the throttle of real riders allows (lifted here; tests/test_channels.py
checks it). They send the mix issue 13 measured with (greeting, stations, policy, 转人工, a shared location,
thanks), each in a conversation of their own. Rows:
- cold start: both processes started until the first reply;
- /model/parse: NLU alone, one caller;
- webhook at 1, 8 and 32 riders at once (SECONDS each): throughput, p50/p95/p99, p95 of the turns answered by a
  custom action (and so by the database);
- same-rider burst: 8 messages of one rider at once; answered in order? the slowest;
- long conversation: others' p50 at 8 riders while one rider's 900-turn conversation keeps going, and that rider's
  own turn time at turn 1 and at turn 900;
- 100,000 characters: others' p50 at 8 riders while one client sends such a message every second;
- memory (RSS) of each process after the runs.
"""
from __future__ import annotations

import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import requests

from bench.report_latency import percentile
from harness import assistant as harness
from harness.assistant import ROOT, Assistant, free_port, fresh_database, running_assistant, wait_for

SECONDS = float(os.environ.get("BENCH_SECONDS", 15))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def _env(workers: str) -> dict[str, str]:
    return {"NUANXIN_REDIS_URL": REDIS_URL, "NUANXIN_THROTTLE_COUNT": "1000000", "SANIC_WORKERS": workers}
LOCATION = "/share_location" + json.dumps({"latitude": 30.2741, "longitude": 120.1551})
MIX = ["你好", "骑手能不能加入工会", "万象汇附近有驿站吗", "职业伤害保障怎么申请", "转人工", LOCATION,
       "送餐超时被罚款合理吗", "谢谢", "骑手七不公约是哪七条", "入会要交会费吗"]
ACTION_PATH = {m for m in MIX if m not in ("你好", "谢谢")}


def _say(http: requests.Session, url: str, sender: str, message: str) -> float:
    started = time.perf_counter()
    reply = http.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
    reply.raise_for_status()
    return time.perf_counter() - started


def _riders(url: str, riders: int, seconds: float = SECONDS) -> tuple[float, list[float], list[float]]:
    """Throughput, all turn times, custom-action turn times."""
    times: list[tuple[bool, float]] = []
    stop = time.monotonic() + seconds

    def ride() -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        with requests.Session() as http:
            for message in itertools.cycle(MIX):
                if time.monotonic() >= stop:
                    return
                times.append((message in ACTION_PATH, _say(http, url, sender, message)))

    threads = [threading.Thread(target=ride) for _ in range(riders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / seconds, [t for _, t in times], [t for a, t in times if a]


def _in_background(url: str, messages: Iterator[str], stop: threading.Event, sender: str,
                   own: list[float]) -> threading.Thread:
    def run() -> None:
        with requests.Session() as http:
            for message in messages:
                if stop.is_set():
                    return
                own.append(_say(http, url, sender, message))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _eight_riders(label: str, url: str) -> tuple[str, str]:
    rate, every, action = _riders(url, 8)
    return (f"webhook, 8 riders, {label}: msg/s; p50 / p95 / p99; custom-action p95",
            f"{rate:.1f} msg/s; {_ms(percentile(every, .5))} / {_ms(percentile(every, .95))} / "
            f"{_ms(percentile(every, .99))} ms; {_ms(percentile(action, .95))} ms")


def _every_second(message: str, stop: threading.Event) -> Iterator[str]:
    while not stop.wait(1.0):
        yield message


def _burst(url: str) -> tuple[bool, float]:
    """8 messages of one rider at once: were the replies in the order sent? the slowest reply."""
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    numbers = [f"第{i}条：万象汇附近有驿站吗" for i in range(8)]

    def one(i: int) -> tuple[int, float]:
        time.sleep(i * 0.005)  # sent in this order, a few ms apart
        return i, _say(requests.Session(), url, sender, numbers[i])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    texts = [e["text"] for e in _tracker_user_texts(url, sender)]
    return texts == numbers, max(t for _, t in results)


ASSISTANT: Assistant | None = None


def _tracker_user_texts(url: str, sender: str) -> list[dict]:
    assert ASSISTANT is not None
    return [e for e in ASSISTANT.tracker(sender)["events"] if e.get("event") == "user"]


def _rss_mb(pid: int, children: bool = False) -> float:
    """Resident memory in MB; with children, the process's forked workers added (shared pages counted twice)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    if children:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += _rss_mb(int(child), children=True)
    return total


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main() -> None:
    global ASSISTANT
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for database in fresh_database("postgresql", tmp):
            started = time.perf_counter()
            for assistant in running_assistant(database, tmp, env=_env(WORKERS)):
                ASSISTANT = assistant
                url = assistant.rasa_url
                assistant.say("bench-first", "你好")
                rows.append(("cold start to first answer (both processes)", f"{time.perf_counter() - started:.1f} s"))

                parse = []
                for message in MIX * 20:
                    t0 = time.perf_counter()
                    assistant.parse(message)
                    parse.append(time.perf_counter() - t0)
                rows.append(("/model/parse, one caller: p50 / p95", f"{_ms(percentile(parse, .5))} / "
                                                                      f"{_ms(percentile(parse, .95))} ms"))
                _riders(url, 2, 5)  # warm up
                for riders in (1, 8, 32):
                    rate, every, action = _riders(url, riders)
                    rows.append((f"webhook, {riders} rider(s) at once: msg/s; p50 / p95 / p99; custom-action p95",
                                 f"{rate:.1f} msg/s; {_ms(percentile(every, .5))} / {_ms(percentile(every, .95))} / "
                                 f"{_ms(percentile(every, .99))} ms; {_ms(percentile(action, .95))} ms"))

                in_order, slowest = _burst(url)
                rows.append(("same rider, 8 messages at once: in order; slowest reply",
                             f"{'yes' if in_order else 'NO'}; {_ms(slowest)} ms"))

                long_sender, own = f"long-{uuid.uuid4().hex[:8]}", []
                with requests.Session() as http:
                    for message in itertools.islice(itertools.cycle(MIX), 900):
                        own.append(_say(http, url, long_sender, message))
                baseline = percentile(_riders(url, 8)[1], .5)  # "without", measured right before "with"
                stop, later = threading.Event(), []
                thread = _in_background(url, itertools.cycle(MIX), stop, long_sender, later)
                _, every, _ = _riders(url, 8)
                stop.set()
                thread.join()
                rows.append(("a 900-turn conversation going on: others' p50 at 8 riders (without)",
                             f"{_ms(percentile(every, .5))} ms ({_ms(baseline)} ms)"))
                rows.append(("that conversation's own turn: turn 1-10 p50 / turn 900+ p50",
                             f"{_ms(percentile(own[:10], .5))} / {_ms(percentile(later, .5))} ms"))

                baseline = percentile(_riders(url, 8)[1], .5)
                stop, flood = threading.Event(), []
                thread = _in_background(url, _every_second("长" * 100_000, stop), stop, "flood", flood)
                _, every, _ = _riders(url, 8)
                stop.set()
                thread.join()
                rows.append(("one 100,000-character message a second meanwhile: others' p50 at 8 riders (without); "
                             "the long message's reply p50",
                             f"{_ms(percentile(every, .5))} ms ({_ms(baseline)} ms); {_ms(percentile(flood, .5))} ms"))
                rows.append((f"memory (RSS): Rasa ({WORKERS} workers and their parent) / action server",
                             f"{_rss_mb(assistant.pids()['rasa'], children=True):.0f} MB / "
                             f"{_rss_mb(assistant.pids()['actions']):.0f} MB"))
            for label, env in (("Rasa with one worker", _env("1")),
                               ("Rasa's code as shipped (NUANXIN_RASA_SPEEDUPS=0)",
                                {**_env(WORKERS), "NUANXIN_RASA_SPEEDUPS": "0"})):
                for assistant in running_assistant(database, tmp, env=env):
                    _riders(assistant.rasa_url, 2, 5)
                    rows.append(_eight_riders(label, assistant.rasa_url))
            for assistant in running_assistant(database, tmp, env=_env("1")):
                urls = [assistant.rasa_url, assistant.start_replica()]
                port = free_port()
                log = tmp / "balancer.log"
                balancer = subprocess.Popen([sys.executable, "-m", "nuanxin.messaging.balancer", "-p", str(port),
                                             *urls], cwd=ROOT, env=assistant.env, stdout=log.open("w"),
                                            stderr=subprocess.STDOUT)
                try:
                    front = f"http://127.0.0.1:{port}"
                    wait_for(f"{front}/", balancer, 30, log)
                    _riders(front, 2, 5)
                    rows.append(_eight_riders("two replicas (one worker each) behind the balancer", front))
                finally:
                    harness.stop(balancer)
    print(f"Serving ({platform.machine()}, {os.cpu_count()} cores; one Rasa server with {WORKERS} workers + one action "
          f"server, PostgreSQL, Redis locks; {SECONDS:.0f} s per load run)")
    print("| measure | result |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
