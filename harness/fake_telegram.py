"""A fake Telegram Bot API server on 127.0.0.1 (real HTTP), for driving the real bot without Telegram.

It serves the methods the bot uses (getMe, getUpdates with long polling, sendMessage, sendLocation, sendVenue,
sendPhoto, getFile and file download, answerCallbackQuery, setWebhook, deleteWebhook), records every call with
its time, and lets a test queue updates or post them to the bot's webhook.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "暖新助手", "username": "nuanxin_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    delivered_at: dict[int, float] = field(default_factory=dict)
    _updates: list[dict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_update: int = 1000
    _next_message: int = 1

    # --- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> "FakeTelegram":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=50 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        ready.set()
        self._loop.run_until_complete(self._stopping.wait())
        self._loop.run_until_complete(runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # long polls still waiting
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    # --- what tests do ----------------------------------------------------------------------------------------

    def push(self, update: dict) -> int:
        with self._lock:
            self._updates.append(update)
        return update["update_id"]

    def new_update_id(self) -> int:
        with self._lock:
            self._next_update += 1
            return self._next_update

    def calls_to(self, method: str, chat_id: int | None = None, after: float = 0.0) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and c.at >= after
                    and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def wait_for(self, method: str, chat_id: int | None = None, after: float = 0.0, count: int = 1,
                 timeout: float = 20.0, where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.calls_to(method, chat_id, after) if where(c)]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} to {chat_id}: expected {count}, got "
                             f"{[c.params for c in self.calls_to(method, chat_id, after)]}")

    # --- the API ---------------------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            params = {k: v for k, v in (await request.post()).items()}
        params = {k: _maybe_json(v) for k, v in params.items()}
        for key, value in params.items():  # an uploaded file: its name and bytes
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "content": value.file.read()}
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic()))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        return _ok(handler(params))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates[: int(params.get("limit") or 100)])
                now = time.monotonic()
                for update in ready:
                    self.delivered_at.setdefault(update["update_id"], now)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.005)

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def _message(self, params: dict[str, Any], **content: Any) -> dict:
        with self._lock:
            self._next_message += 1
            message_id = self._next_message
        chat_id = int(params["chat_id"])
        return {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private"}, **content}

    def _m_getMe(self, params: dict) -> dict:
        return BOT_USER

    def _m_sendMessage(self, params: dict) -> dict:
        return self._message(params, text=params["text"])

    def _m_sendLocation(self, params: dict) -> dict:
        return self._message(params, location={"latitude": float(params["latitude"]),
                                               "longitude": float(params["longitude"])})

    def _m_sendVenue(self, params: dict) -> dict:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        return self._message(params, location=location, venue={"location": location, "title": params["title"],
                                                               "address": params["address"]})

    def _m_sendPhoto(self, params: dict) -> dict:
        return self._message(params, photo=[{"file_id": "sent", "file_unique_id": "sent", "width": 1,
                                             "height": 1}])

    def _m_sendDocument(self, params: dict) -> dict:
        return self._message(params, document={"file_id": "sent-document", "file_unique_id": "sent-document",
                                               "file_name": params["document"]["filename"]})

    def _m_getFile(self, params: dict) -> dict:
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(self.files.get(
            f"photos/{file_id}.jpg", b"")), "file_path": f"photos/{file_id}.jpg"}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# --- updates as Telegram sends them -------------------------------------------------------------------------


def user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "骑手", "language_code": "zh-hans"}


def message_update(update_id: int, user_id: int, edited: bool = False, **content: Any) -> dict:
    message = {"message_id": update_id, "date": int(time.time()), "from": user(user_id),
               "chat": {"id": user_id, "type": "private", "first_name": "骑手"}, **content}
    if edited:
        message["edit_date"] = int(time.time())
    return {"update_id": update_id, ("edited_message" if edited else "message"): message}


def text_update(update_id: int, user_id: int, text: str) -> dict:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    return message_update(update_id, user_id, text=text, **({"entities": entities} if entities else {}))


def callback_update(update_id: int, user_id: int, data: str) -> dict:
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "from": user(user_id), "chat_instance": "ci", "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                    "text": "menu"}}}
