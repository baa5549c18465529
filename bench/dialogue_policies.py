"""Compare dialogue policies on this machine: training time, model load time, webhook latency through the real
action server, and conversations (turn accuracy, whole conversations right). `make bench`.

Our dialogue is rules with slot conditions and no stories, so TEDPolicy added to config.yml would have nothing to
learn ("Skipping training of TEDPolicy as no data was provided"). To give it a fair chance, the tuning
conversations (tests/data/conversations_dev.yml) are split in two: the first half runs through the rules-only
assistant, and every conversation it got entirely right is exported as a story (Rasa's
`/conversations/<id>/story`); TEDPolicy is trained on those stories plus the rules, and both assistants are
compared on the second half. The held-out conversations are for `make eval` only.
"""
from __future__ import annotations

import copy
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests
import yaml

from bench.nlu_pipelines import train
from evals import conversations as conv
from harness.assistant import Assistant, fresh_database
from nuanxin import settings

# A rider's ordinary turns: answered by responses, by our actions (station, policy, hand-over) and by the safety
# path; each is sent as the first turn of a new conversation and then as a follow-up.
MESSAGES = ["你好", "附近有没有驿站", "万象汇", "交通事故怎么赔", "那要怎么申请", "转人工", "你能做什么",
            "被车撞了走不动"]
ROUNDS = 6


def configs() -> tuple[dict, dict]:
    """config.yml as it is, and the same with TEDPolicy after the rules."""
    base = yaml.safe_load((settings.ROOT / "config.yml").read_text(encoding="utf-8"))
    with_ted = copy.deepcopy(base)
    with_ted["policies"] = [*base["policies"],
                            {"name": "TEDPolicy", "max_history": 5, "epochs": 100, "constrain_similarities": True,
                             "random_seed": 1}]
    return base, with_ted


def stories_of_right_conversations(assistant: Assistant, data: list[dict]) -> dict:
    """Run `data` and export each conversation the assistant got entirely right as a story."""
    report = conv.evaluate(assistant, data)
    stories: list[dict] = []
    for sender, ok in report.senders.values():
        if ok:
            exported = requests.get(f"{assistant.rasa_url}/conversations/{sender}/story",
                                    params={"token": assistant.token}, timeout=60).text
            stories += yaml.safe_load(exported)["stories"]
    return {"version": "3.1", "stories": stories}


def measure(model: Path, tmp: Path, evaluation: list[dict], learn_from: list[dict] | None = None,
            ) -> tuple[dict[str, float], dict | None]:
    stories = None
    for url in fresh_database("sqlite", tmp):
        assistant = Assistant(url, tmp, model).start()
        try:
            assistant.stop_rasa()  # the first start also warms the disk cache; the second is the one measured
            started = time.perf_counter()
            assistant.start_rasa()
            load_s = time.perf_counter() - started
            latencies = []
            for _ in range(ROUNDS):
                sender = f"bench-{uuid.uuid4().hex[:8]}"
                for text in MESSAGES:
                    t0 = time.perf_counter()
                    requests.post(f"{assistant.rasa_url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text}, timeout=30).raise_for_status()
                    latencies.append((time.perf_counter() - t0) * 1000)
            report = conv.evaluate(assistant, evaluation)
            if learn_from is not None:
                stories = stories_of_right_conversations(assistant, learn_from)
        finally:
            assistant.stop()
    latencies.sort()
    return {"load_s": load_s, "webhook_ms_median": statistics.median(latencies),
            "webhook_ms_p95": latencies[int(0.95 * (len(latencies) - 1))],
            "turns": report.turn_accuracy, "conversations": report.conversation_success}, stories


def main() -> None:
    dev = conv.conversations(conv.DEV)
    learn_from, evaluation = dev[: len(dev) // 2], dev[len(dev) // 2:]
    base, with_ted = configs()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        train_s = train("rules_memoization", base, tmp)
        figures, stories = measure(tmp / "rules_memoization.tar.gz", tmp, evaluation, learn_from)
        rows.append(("rules_memoization", train_s, figures))
        story_file = tmp / "learned_stories.yml"
        story_file.write_text(yaml.safe_dump(stories, allow_unicode=True, sort_keys=False), encoding="utf-8")
        train_s = train("rules_memoization_ted", with_ted, tmp, extra_data=(story_file,))
        figures, _ = measure(tmp / "rules_memoization_ted.tar.gz", tmp, evaluation)
        rows.append(("rules_memoization_ted", train_s, figures))
    print(f"dialogue policies: TEDPolicy learns {len(stories['stories'])} stories from the {len(learn_from)} "
          f"conversations of the first half of the tuning set the rules got right; both are evaluated on the "
          f"other {len(evaluation)} ({ROUNDS}x{len(MESSAGES)} webhook calls each for latency)")
    print(f"{'candidate':<24} {'train s':>8} {'load s':>7} {'p50 ms':>7} {'p95 ms':>7} {'turns':>6} {'convs':>6}")
    for name, train_s, m in rows:
        print(f"{name:<24} {train_s:>8.1f} {m['load_s']:>7.1f} {m['webhook_ms_median']:>7.1f} "
              f"{m['webhook_ms_p95']:>7.1f} {m['turns']:>6.3f} {m['conversations']:>6.3f}")


if __name__ == "__main__":
    main()
