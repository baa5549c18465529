"""What a log line may say about a failure: its type and where it was raised, never its message — exception
messages quote SQL parameters, trackers and riders' words, phone numbers included."""
from __future__ import annotations


def where(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"


def summary(exc: BaseException) -> str:
    return f"{type(exc).__name__} at {where(exc)}"
