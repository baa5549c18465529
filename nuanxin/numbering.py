"""The numbers people quote on the phone (SB-20261128-0001, RH-20261128-0001): a prefix, China's date and the day's
next number. The column is unique, so two numbers drawn at the same instant cannot both be stored: the caller
inserts in a savepoint and draws again on a conflict."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, func, select
from sqlalchemy.orm import Session

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving in China


def next_of_the_day(session: Session, column: Column, letters: str) -> str:
    prefix = f"{letters}-{datetime.now(CHINA_TIME):%Y%m%d}-"
    last = session.execute(select(func.max(column)).where(column.like(prefix + "%"))).scalar()
    return f"{prefix}{(int(last[len(prefix):]) + 1) if last else 1:04d}"
