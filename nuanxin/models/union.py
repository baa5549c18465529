"""Union groups and membership applications."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text

from nuanxin.models.base import Base, created_column, updated_column


class UnionGroup(Base):
    """A union group or mass organisation a worker can join (快递外卖行业工会小组, 青工委, 妇联...)."""

    __tablename__ = "union_groups"
    id = Column(String(16), primary_key=True)
    name = Column(String(64), nullable=False)
    industry = Column(String(32), nullable=False)
    street_id = Column(ForeignKey("streets.id"), index=True)
    description = Column(Text, nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class UnionApplication(Base):
    """An application to join, routed to the group of the applicant's trade. The ID number is kept only as a salted
    hash (a second application is recognised) and masked (to show); `reason` says why one was not approved."""

    __tablename__ = "union_applications"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, unique=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    union_group_id = Column(ForeignKey("union_groups.id"), nullable=False)
    name = Column(String(32), nullable=False)
    phone = Column(String(32), nullable=False, index=True)
    id_hash = Column(String(64), nullable=False, index=True)
    id_masked = Column(String(18), nullable=False)
    occupation = Column(String(32), nullable=False)
    platform = Column(String(32))
    street_id = Column(ForeignKey("streets.id"), nullable=False)
    consent_id = Column(ForeignKey("consents.id"), nullable=False)
    status = Column(String(16), nullable=False, default="pending")  # pending | approved | rejected
    reason = Column(Text)
    decided_by = Column(String(64))
    created_at = created_column()
    updated_at = updated_column()
