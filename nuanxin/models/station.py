"""The district's geography and its service network, fed from knowledge/ (streets, communities, grid
stations, stations)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, String

from nuanxin.models.base import Base


class Street(Base):
    """One of the district's 8 towns / sub-districts (镇/街道)."""

    __tablename__ = "streets"
    id = Column(String(8), primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    kind = Column(String(8), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class Community(Base):
    """A city community with its Party-and-people service centre (党群服务中心)."""

    __tablename__ = "communities"
    id = Column(String(8), primary_key=True)
    street_id = Column(ForeignKey("streets.id"), nullable=False, index=True)
    name = Column(String(32), nullable=False)
    service_centre = Column(String(64), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class GridStation(Base):
    """A grid red station (网格红色驿站): the smallest unit of community grid governance."""

    __tablename__ = "grid_stations"
    id = Column(String(8), primary_key=True)
    community_id = Column(ForeignKey("communities.id"), nullable=False, index=True)
    name = Column(String(64), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class Station(Base):
    """A service station for gig workers (暖蜂小筑, 小哥驿站...). Coordinates are WGS-84."""

    __tablename__ = "stations"
    id = Column(String(8), primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)
    street_id = Column(ForeignKey("streets.id"), nullable=False, index=True)
    community_id = Column(ForeignKey("communities.id"), index=True)
    address = Column(String(128), nullable=False)
    lon = Column(Float, nullable=False)
    lat = Column(Float, nullable=False)
    amenities = Column(String(256), nullable=False, default="")
    hours = Column(String(32), nullable=False)
    phone = Column(String(32))
    active = Column(Boolean, nullable=False, default=True)
