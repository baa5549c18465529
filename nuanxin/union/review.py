"""Union applications as staff review them: the list by state (and its CSV), masked; the applicant's contact in
full only on request, audited. Decisions go through nuanxin.union.applications.decide (audited, rider told).
ID numbers were never kept: only their masked form and a keyed hash."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from nuanxin import db, masking
from nuanxin.console import audit
from nuanxin.models import Street, UnionApplication, UnionGroup
from nuanxin.numbering import CHINA_TIME
from nuanxin.union.applications import STATE_NAMES


@dataclass(frozen=True)
class Row:
    reference: str
    submitted: datetime  # China's time
    group: str
    name: str  # masked
    phone: str  # masked
    id_number: str  # masked
    occupation: str
    platform: str
    street: str
    status: str
    status_name: str
    reason: str
    decided_by: str


def listing(status: str | None = "pending") -> list[Row]:
    """Oldest first for those waiting; every application when `status` is None."""
    with db.session_scope() as session:
        groups = dict(session.execute(select(UnionGroup.id, UnionGroup.name)).all())
        streets = dict(session.execute(select(Street.id, Street.name)).all())
        query = select(UnionApplication).order_by(UnionApplication.id)
        if status:
            query = query.where(UnionApplication.status == status)
        return [Row(a.reference, db.aware(a.created_at).astimezone(CHINA_TIME), groups.get(a.union_group_id, ""),
                    masking.mask_name(a.name), masking.mask(a.phone), a.id_masked, a.occupation, a.platform or "",
                    streets.get(a.street_id, ""), a.status, STATE_NAMES.get(a.status, a.status), a.reason or "",
                    a.decided_by or "")
                for a in session.execute(query).scalars()]


def contact(reference: str, actor: str) -> tuple[str, str] | None:
    """(name, phone) in full for the member of staff who calls the applicant; audited."""
    with db.session_scope() as session:
        application = session.execute(select(UnionApplication).where(
            UnionApplication.reference == reference)).scalar_one_or_none()
        if application is None:
            return None
        audit.record(session, actor, "unmask_applicant", f"union:{reference}")
        return application.name, application.phone
