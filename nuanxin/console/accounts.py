"""Staff accounts: created by an administrator's command, signed in with a password kept only as an argon2 hash
(argon2-cffi), locked for LOCK_MINUTES after MAX_FAILURES wrong passwords in a row. Every sign-in, failure, lock
and new account is in the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db
from nuanxin.console import audit
from nuanxin.models import StaffAccount, utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_UNKNOWN = _hasher.hash("an account that does not exist")  # checked against, so both paths take as long


class Role(str, Enum):
    AGENT = "agent"  # 接线员
    REVIEWER = "reviewer"  # 审核员
    ADMIN = "admin"  # 管理员


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    display_name: str
    role: Role


class Refused(Exception):
    """Sign-in refused: `locked` says whether the account is locked (the page says so; a wrong password does not
    say which of the two fields was wrong)."""

    def __init__(self, locked: bool) -> None:
        super().__init__("locked" if locked else "wrong username or password")
        self.locked = locked


def _staff(row: StaffAccount) -> Staff:
    return Staff(row.id, row.username, row.display_name, Role(row.role))


def create(username: str, display_name: str, role: Role, password: str, actor: str) -> Staff:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    with db.session_scope() as session:
        row = StaffAccount(username=username, display_name=display_name, role=role.value,
                           password_hash=_hasher.hash(password), failed_logins=0, active=True)
        session.add(row)
        session.flush()
        audit.record(session, actor, "create_account", f"staff:{username}",
                     after={"username": username, "display_name": display_name, "role": role.value})
        return _staff(row)


def authenticate(username: str, password: str) -> Staff:
    """The account, or Refused. The row is locked while its failure count changes, so parallel guesses count; the
    failure is recorded (committed) before Refused is raised."""
    with db.session_scope() as session:
        outcome = _attempt(session, username, password)
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


def _attempt(session: Session, username: str, password: str) -> Staff | Refused:
    row = session.execute(select(StaffAccount).where(StaffAccount.username == username,
                                                     StaffAccount.active.is_(True))
                          .with_for_update()).scalar_one_or_none()
    if row is None:
        _matches(_UNKNOWN, password)
        audit.record(session, username[:64], "login_failed", "staff:unknown")
        return Refused(locked=False)
    now = utcnow()
    if row.locked_until is not None and _aware(row.locked_until) > now:
        audit.record(session, row.username, "login_refused_locked", f"staff:{row.username}")
        return Refused(locked=True)
    if not _matches(row.password_hash, password):
        row.failed_logins += 1
        audit.record(session, row.username, "login_failed", f"staff:{row.username}",
                     after={"failed_logins": row.failed_logins})
        if row.failed_logins < MAX_FAILURES:
            return Refused(locked=False)
        row.locked_until, row.failed_logins = now + timedelta(minutes=LOCK_MINUTES), 0
        audit.record(session, row.username, "account_locked", f"staff:{row.username}",
                     after={"locked_until": row.locked_until})
        return Refused(locked=True)
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    row.failed_logins, row.locked_until = 0, None
    audit.record(session, row.username, "login", f"staff:{row.username}")
    return _staff(row)


def get(account_id: int) -> Staff | None:
    """The signed-in account of a session, while it is still active."""
    with db.session_scope() as session:
        row = session.get(StaffAccount, account_id)
        return _staff(row) if row is not None and row.active else None


def every() -> list[Staff]:
    with db.session_scope() as session:
        return [_staff(r) for r in session.execute(select(StaffAccount).order_by(StaffAccount.id)).scalars()]


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back (stored as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
