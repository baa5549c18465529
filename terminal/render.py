"""Rasa's replies as terminal text: buttons become numbered options, a location request a typed-command hint,
venues and images a line each. Every word comes from domain/ (nuanxin.responses)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nuanxin import responses


@dataclass
class Screen:
    """What to print, and the buttons a typed number now stands for (1 is the first)."""

    lines: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)


def render(replies: list[dict[str, Any]]) -> Screen:
    screen = Screen()
    for reply in replies:
        if reply.get("text"):
            screen.lines.append(reply["text"])
        custom = reply.get("custom") or {}
        if custom.get("request_location"):
            screen.lines.append(responses.text("utter_terminal_location_hint"))
        if custom.get("venue"):
            venue = custom["venue"]
            screen.lines.append(responses.text("utter_terminal_venue", title=venue.get("title", ""),
                                               address=venue.get("address", "")))
        if reply.get("image"):
            screen.lines.append(responses.text("utter_terminal_image", url=reply["image"]))
        for button in reply.get("buttons") or []:
            screen.buttons.append((button.get("title", ""), button.get("payload", "")))
            screen.lines.append(f"  {len(screen.buttons)}. {button.get('title', '')}")
    return screen
