"""A report's states and which changes staff may make (待核实 → 已受理 → 处理中 → 已办结, or 不予受理 / 重复)."""
from __future__ import annotations

from enum import Enum


class ReportState(str, Enum):
    PENDING = "pending"  # 待核实: filed, not yet looked at
    ACCEPTED = "accepted"  # 已受理: verified by staff (points are granted here)
    IN_PROGRESS = "in_progress"  # 处理中
    RESOLVED = "resolved"  # 已办结
    REJECTED = "rejected"  # 不予受理
    DUPLICATE = "duplicate"  # 重复: merged into an original


OPEN = (ReportState.PENDING.value, ReportState.ACCEPTED.value, ReportState.IN_PROGRESS.value)

ALLOWED = {
    ReportState.PENDING: {ReportState.ACCEPTED, ReportState.REJECTED, ReportState.DUPLICATE},
    ReportState.ACCEPTED: {ReportState.IN_PROGRESS, ReportState.RESOLVED, ReportState.REJECTED,
                           ReportState.DUPLICATE},
    ReportState.IN_PROGRESS: {ReportState.RESOLVED},
    ReportState.RESOLVED: {ReportState.IN_PROGRESS},  # "没修好": reopened
    ReportState.REJECTED: set(),
    ReportState.DUPLICATE: set(),
}
