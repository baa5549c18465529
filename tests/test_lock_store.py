"""Rasa's conversation lock as we run it (nuanxin/messaging/lock_store.py): in memory for one process, in Redis for
replicas. One message of a conversation at a time, in arrival order; a ticket held as long as its message runs;
a crashed holder's ticket gone within the lifetime (issue 13)."""
from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from typing import Iterator

import pytest

from nuanxin.messaging import lock_store
from nuanxin.messaging.lock_store import ConversationLockStore

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(params=["memory", "redis"])
def replicas(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ConversationLockStore]]:
    """Two replicas' lock stores sharing Redis, or one process's store twice."""
    if request.param == "redis":
        monkeypatch.setenv("NUANXIN_REDIS_URL", REDIS_URL)
        yield [ConversationLockStore(), ConversationLockStore()]
    else:
        monkeypatch.delenv("NUANXIN_REDIS_URL", raising=False)
        store = ConversationLockStore()
        yield [store, store]


def test_one_message_at_a_time_in_arrival_order(replicas: list[ConversationLockStore]) -> None:
    conversation = f"c-{uuid.uuid4().hex}"
    inside: list[int] = []
    served: list[int] = []
    most = 0

    async def message(i: int) -> None:
        nonlocal most
        async with replicas[i % 2].lock(conversation):
            inside.append(i)
            most = max(most, len(inside))
            await asyncio.sleep(0.003)
            inside.remove(i)
            served.append(i)

    async def main() -> None:
        await asyncio.gather(*(message(i) for i in range(30)))

    asyncio.run(main())
    assert most == 1 and served == list(range(30))


def test_two_replicas_at_once_never_hold_one_conversation_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each replica on its own thread and event loop, so their Redis transactions really race."""
    monkeypatch.setenv("NUANXIN_REDIS_URL", REDIS_URL)
    conversation = f"c-{uuid.uuid4().hex}"
    guard = threading.Lock()
    inside, served, most = [0], [0], [0]

    def replica() -> None:
        store = ConversationLockStore()

        async def message() -> None:
            async with store.lock(conversation):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                await asyncio.sleep(0.002)
                with guard:
                    inside[0] -= 1
                    served[0] += 1

        async def main() -> None:
            await asyncio.gather(*(message() for _ in range(25)))

        asyncio.run(main())

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1 and served[0] == 50


def test_a_message_longer_than_the_lifetime_keeps_its_ticket(replicas: list[ConversationLockStore],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_store, "LIFETIME", 0.3)
    conversation = f"c-{uuid.uuid4().hex}"
    events: list[str] = []

    async def slow() -> None:
        async with replicas[0].lock(conversation):
            events.append("slow in")
            await asyncio.sleep(1.2)  # four lifetimes
            events.append("slow out")

    async def next_one() -> None:
        await asyncio.sleep(0.05)
        async with replicas[1].lock(conversation):
            events.append("next in")

    async def main() -> None:
        await asyncio.gather(slow(), next_one())

    asyncio.run(main())
    assert events == ["slow in", "slow out", "next in"]


def test_a_crashed_holders_ticket_expires(replicas: list[ConversationLockStore],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock_store, "LIFETIME", 0.3)
    conversation = f"c-{uuid.uuid4().hex}"
    replicas[0].issue_ticket(conversation, 0.3)  # taken, then its process died: never renewed, never released

    async def main() -> float:
        started = time.monotonic()
        async with replicas[1].lock(conversation):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.2 < waited < 3
