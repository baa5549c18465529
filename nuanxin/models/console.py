"""The staff console: who may sign in (with which role) and what each of them changed."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Integer, String, Text

from nuanxin.models.base import Base, created_column


class StaffAccount(Base):
    """A hotline agent (接线员), reviewer (审核员) or administrator (管理员). The password is kept only as an argon2
    hash; repeated failures lock the account for a while (nuanxin.console.accounts)."""

    __tablename__ = "staff_accounts"
    __table_args__ = (CheckConstraint("role IN ('agent', 'reviewer', 'admin')", name="known_role"),)
    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(64), nullable=False)
    role = Column(String(16), nullable=False)
    password_hash = Column(String(255), nullable=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True))
    active = Column(Boolean, nullable=False, default=True)
    created_at = created_column()


class AuditEntry(Base):
    """Every change made in the console and every unmasked view: who, what, when, before and after (JSON)."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = created_column()
    actor = Column(String(64), nullable=False)
    action = Column(String(64), nullable=False)
    target = Column(String(128), nullable=False)
    before = Column(Text)
    after = Column(Text)
