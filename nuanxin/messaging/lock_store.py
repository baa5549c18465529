"""Rasa's conversation lock: one message of a rider handled at a time, by one process, wherever it runs.

endpoints.yml names this class as Rasa's lock store. With NUANXIN_REDIS_URL set (production, several Rasa
replicas) the locks live in Redis; without it (`make run`, one process) in memory. Rasa's own stores do the
ticket logic, but three things in them do not hold for us:

- a waiting message polls the lock once a second, so a burst of 8 messages from one rider took 5 s each;
  here it polls every POLL_SECONDS;
- a ticket lives 60 s from when it was issued, so a slow action (or a long wait in the queue) let the next message
  of the same rider run beside it; here a ticket lives LIFETIME seconds and is renewed while its message waits or
  runs, so only a crashed process's tickets expire (within LIFETIME, and the other replicas carry on);
- Rasa's Redis store reads a lock, changes it and writes it back without a transaction, so two replicas could
  both take ticket 1; here every change is one optimistic Redis transaction (WATCH/MULTI), retried on conflict.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore

from nuanxin import settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.01
LIFETIME = float(os.environ.get("NUANXIN_LOCK_LIFETIME", 20))
KEY_PREFIX = "nuanxin:lock:"


class ConversationLockStore(LockStore):
    def __init__(self, url: str | None = None, **_: Any) -> None:
        """`url` is ignored in favour of the project's setting, so that endpoints.yml holds no second copy."""
        redis_url = settings.redis_url()
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2) \
            if redis_url else None
        self._memory: dict[str, str] = {}
        super().__init__()

    # Storage: a TicketLock as JSON, in Redis or in a dict.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        raw = self._redis.get(KEY_PREFIX + conversation_id) if self._redis else self._memory.get(conversation_id)
        return _parsed(raw)

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _: lock)

    def delete_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda _: None)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]) -> Any:
        """Apply `change` to the stored lock in one step (a Redis transaction, retried when another process
        changed the lock meanwhile); an empty lock is deleted."""
        if self._redis is None:
            raw = self._memory.get(conversation_id)
            changed = change(_parsed(raw))
            if changed is None or not changed.tickets:
                self._memory.pop(conversation_id, None)
            else:
                self._memory[conversation_id] = changed.dumps()
            return changed
        key = KEY_PREFIX + conversation_id
        while True:
            with self._redis.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    changed = change(_parsed(raw))
                    pipe.multi()
                    if changed is None or not changed.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps(), ex=int(LIFETIME * 3) + 1)
                    pipe.execute()
                    return changed
                except redis.WatchError:
                    continue

    # Ticket logic, each step one atomic change.
    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LIFETIME) -> int:
        issued: list[int] = []

        def issue(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        try:
            self._change(conversation_id, issue)
        except redis.RedisError as exc:
            raise LockError(f"lock store unavailable: {type(exc).__name__}") from exc
        return issued[-1]

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)  # an empty lock is deleted by _change

    def renew(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        def extend(lock: TicketLock | None) -> TicketLock | None:
            for ticket in lock.tickets if lock else ():
                if ticket.number == ticket_number:
                    ticket.expires = max(ticket.expires, time.time() + lifetime)
            return lock

        self._change(conversation_id, extend)

    async def _keep(self, conversation_id: str, ticket_number: int, lifetime: float) -> None:
        while True:
            await asyncio.sleep(lifetime / 3)
            try:
                self.renew(conversation_id, ticket_number, lifetime)
            except redis.RedisError:
                log.warning("could not renew a conversation lock; it expires in at most %s s", lifetime)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock, polled every POLL_SECONDS, with the ticket renewed until the message is done."""
        ticket = self.issue_ticket(conversation_id, LIFETIME)
        keeper = asyncio.ensure_future(self._keep(conversation_id, ticket, LIFETIME))
        try:
            yield await self._acquire_lock(conversation_id, ticket, POLL_SECONDS)
        finally:
            keeper.cancel()
            try:
                self.cleanup(conversation_id, ticket)
            except redis.RedisError:
                log.warning("could not release a conversation lock; it expires in at most %s s", LIFETIME)


def _parsed(raw: str | bytes | None) -> TicketLock | None:
    return TicketLock.from_dict(json.loads(raw)) if raw else None
