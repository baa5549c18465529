"""Registering as a part-time grid member (兼职网格员): name, mobile, street and a separate consent, after which
verified reports earn points. Anyone may report without it, as a volunteer."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select

from nuanxin import db, masking, people
from nuanxin.people import named_street, street_id, valid_name, valid_phone
from nuanxin.models import Consent, GridMember, Street
from nuanxin.report.filing import is_grid_member

NOTICE_VERSION = "grid-2026-11"
__all__ = ["named_street", "valid_name", "valid_phone", "register", "Registered", "Problem"]


class Problem(str, Enum):
    NAME = "name"
    PHONE = "phone"
    STREET = "street"
    NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class Registered:
    name: str  # masked
    phone: str  # masked
    street: str
    already: bool


def register(channel: str, sender_id: str, name: str, phone: str, street: str,
             consent: bool) -> Registered | Problem:
    """Store the registration with its consent; registering twice keeps the first and says so."""
    if not consent:
        return Problem.NO_CONSENT
    clean_name, clean_phone, sid = valid_name(name), valid_phone(phone), street_id(street)
    if clean_name is None:
        return Problem.NAME
    if clean_phone is None:
        return Problem.PHONE
    if sid is None:
        return Problem.STREET
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        if is_grid_member(session, person.id):
            member = session.execute(select(GridMember).where(GridMember.person_id == person.id)).scalar_one()
            return Registered(masking.mask_name(member.name), masking.mask(member.phone),
                              session.get(Street, member.street_id).name, already=True)
        agreed = Consent(person_id=person.id, purpose="grid_member", granted=True, notice_version=NOTICE_VERSION)
        session.add(agreed)
        session.flush()
        session.add(GridMember(person_id=person.id, name=clean_name, phone=clean_phone, street_id=sid,
                               consent_id=agreed.id))
        return Registered(masking.mask_name(clean_name), masking.mask(clean_phone), session.get(Street, sid).name,
                          already=False)
