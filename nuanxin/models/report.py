"""City-sentinel (城市哨兵) reports, who follows them, their status history, and the grid members who file them."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint

from nuanxin.models.base import Base, created_column, updated_column


class ReportCategory(Base):
    __tablename__ = "report_categories"
    id = Column(String(16), primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    points = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)


class Report(Base):
    """A neighbourhood problem reported by a rider or a volunteer. Coordinates are WGS-84.

    `ticket` is what the reporter and staff quote (SB-YYYYMMDD-NNNN, China's date). `by_grid_member` is fixed when
    the report is filed: only reports filed by a registered grid member earn points when verified. A report that
    holds abuse or someone else's personal data is `held` for staff and never shown to other riders.
    """

    __tablename__ = "reports"
    id = Column(Integer, primary_key=True)
    ticket = Column(String(20), nullable=False, unique=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    category_id = Column(ForeignKey("report_categories.id"), nullable=False)
    text = Column(Text, nullable=False)
    lat = Column(Float)
    lon = Column(Float)
    location_text = Column(String(128))
    photo_path = Column(String(256))
    media_url = Column(String(512))  # a photo another system filed with its report (Open311), by address
    status = Column(String(16), nullable=False, default="pending")
    by_grid_member = Column(Boolean, nullable=False, default=False)
    confirmations = Column(Integer, nullable=False, default=0)
    duplicate_of_id = Column(ForeignKey("reports.id"))
    held = Column(Boolean, nullable=False, default=False)
    fix_asked_at = Column(DateTime(timezone=True))
    created_at = created_column()
    updated_at = updated_column()


class ReportFollower(Base):
    """Someone who said "是同一个" to an open report: they get its updates, the report one more confirmation."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "person_id", name="uq_report_followers_report_person"),)
    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    created_at = created_column()


class ReportStatus(Base):
    """Every status a report has been through, so a reporter and staff see the same history."""

    __tablename__ = "report_status_history"
    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    note = Column(Text)
    actor = Column(String(64), nullable=False)
    created_at = created_column()


class GridMember(Base):
    """A rider registered as a part-time grid member (兼职网格员), with the consent given for it."""

    __tablename__ = "grid_members"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, unique=True)
    name = Column(String(32), nullable=False)
    phone = Column(String(32), nullable=False)
    street_id = Column(ForeignKey("streets.id"), nullable=False)
    consent_id = Column(ForeignKey("consents.id"), nullable=False)
    created_at = created_column()


class Open311Key(Base):
    """An api_key another city system (the 12345 platform...) files and reads reports with through Open311. Only a
    SHA-256 of the key is kept (the key itself is shown once, when issued); revoked keys stay for the record."""

    __tablename__ = "open311_keys"
    id = Column(Integer, primary_key=True)
    system = Column(String(64), nullable=False, unique=True)
    key_hash = Column(String(64), nullable=False, unique=True)
    active = Column(Boolean, nullable=False, default=True)
    created_at = created_column()
    revoked_at = Column(DateTime(timezone=True))
