"""Rasa's HTTP API (a rider's whole conversation, rewriting it, the model) answers only with the token; the REST
channel the front ends use stays open (issue 13)."""
from __future__ import annotations

import requests

from conftest import Assistant, texts


def test_the_http_api_needs_the_token_and_the_channel_does_not(assistant: Assistant, sender: str) -> None:
    assert "暖新助手" in texts(assistant.say(sender, "你好"))  # the channel, without a token
    url = f"{assistant.rasa_url}/conversations/{sender}/tracker"
    assert requests.get(url, timeout=30).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=30).status_code == 401
    assert requests.put(f"{assistant.rasa_url}/conversations/{sender}/tracker/events", json=[],
                        timeout=30).status_code == 401
    assert requests.post(f"{assistant.rasa_url}/model/parse", json={"text": "你好"}, timeout=30).status_code == 401
    assert assistant.tracker(sender)["sender_id"] == sender  # with it
