"""City-sentinel (城市哨兵) reports and their status history."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Text

from nuanxin.models.base import Base, created_column


class ReportCategory(Base):
    __tablename__ = "report_categories"
    id = Column(String(16), primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    points = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)


class Report(Base):
    """A neighbourhood problem reported by a city sentinel (城市哨兵). Coordinates are WGS-84."""

    __tablename__ = "reports"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    category_id = Column(ForeignKey("report_categories.id"), nullable=False)
    text = Column(Text, nullable=False)
    lat = Column(Float)
    lon = Column(Float)
    location_text = Column(String(128))
    photo_path = Column(String(256))
    status = Column(String(16), nullable=False, default="submitted")
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
