"""`python -m nuanxin.messaging.balancer -p 5005 http://127.0.0.1:5006 http://127.0.0.1:5007`: the small load
balancer `make serve-prod` puts in front of the Rasa replicas on one machine (in a cluster, the platform's
Service or ingress does this job; see deploy/).

A message goes to the replica its sender hashes to (rendezvous hashing over the replicas that answer), so one
rider's messages meet the same process — in the order they were sent, with its tracker already in memory — while
riders spread over all replicas; correctness never depends on it (the Redis lock and the tracker store's mark
hold across replicas). A replica that refuses connections is skipped for RETRY_AFTER seconds and the message goes
to the next one; a replica that fails after it took a message is not asked again (the message might be handled
twice): the rider gets the apology with the hotline, as from our own doors.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import time

import aiohttp
from aiohttp import web

from nuanxin import failures, responses
from nuanxin.handoff import hotline

log = logging.getLogger(__name__)
RETRY_AFTER = 5.0
HOP_BY_HOP = {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


class Balancer:
    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = [u.rstrip("/") for u in upstreams]
        self._down_until: dict[str, float] = {}
        self._session: aiohttp.ClientSession | None = None
        self._turn = 0

    def order(self, sender: str | None) -> list[str]:
        """Replicas to try, best first: by the sender's hash when there is one, else in turn."""
        now = time.monotonic()
        live = [u for u in self.upstreams if self._down_until.get(u, 0) <= now] or list(self.upstreams)
        if sender:
            return sorted(live, key=lambda u: hashlib.blake2b(f"{u}|{sender}".encode(), digest_size=8).digest())
        self._turn = (self._turn + 1) % len(live)
        return live[self._turn:] + live[:self._turn]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        for upstream in self.order(_sender(request, body)):
            try:
                async with self._session.request(request.method, upstream + request.path_qs, headers=headers,
                                                 data=body or None) as reply:
                    payload = await reply.read()
                    kept = {k: v for k, v in reply.headers.items() if k.lower() not in HOP_BY_HOP}
                    return web.Response(status=reply.status, body=payload, headers=kept)
            except aiohttp.ClientConnectorError:
                self._down_until[upstream] = time.monotonic() + RETRY_AFTER
                log.warning("replica %s refused a connection; skipped for %s s", upstream, RETRY_AFTER)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                log.error("replica %s failed with a request in hand: %s", upstream, failures.summary(exc))
                break
        if request.path.endswith("/webhook"):
            return web.json_response([{"text": responses.text("utter_reply_failed", **hotline.contact_from_files())}])
        return web.json_response({"error": "no replica answered"}, status=502)

    async def close(self, _: web.Application) -> None:
        if self._session is not None:
            await self._session.close()


def _sender(request: web.Request, body: bytes) -> str | None:
    if request.method != "POST" or not request.path.startswith("/webhooks/"):
        return None
    try:
        sender = json.loads(body).get("sender")
    except (ValueError, AttributeError):
        return None
    return sender if isinstance(sender, str) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=5005)
    parser.add_argument("upstreams", nargs="+")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    balancer = Balancer(args.upstreams)
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", balancer.handle)
    app.on_cleanup.append(balancer.close)
    web.run_app(app, host=os.environ.get("NUANXIN_BALANCER_HOST", "127.0.0.1"), port=args.port, access_log=None,
                print=None)


if __name__ == "__main__":
    main()
