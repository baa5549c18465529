"""The shared schema: one database that the action server, the messaging bot and the staff console all use,
one module per capability (the same names as in nlu_data/, domain/ and actions/).

Tables fed from `knowledge/` carry an `active` flag instead of being deleted, so that rows people already point
at (enrollments, reports, redemptions) never lose their target when the reviewed data changes.
Money-like quantities (points, seats, stock) carry CHECK constraints: the database itself refuses a negative
balance or an overbooked session, whatever code path tries.

Only the core package uses these classes; adapters (actions/, bot/, terminal/) call the core's functions
(tests/test_layout.py holds that rule).
"""
from nuanxin.models.base import Base, utcnow
from nuanxin.models.console import AuditEntry, StaffAccount
from nuanxin.models.handoff import HandoffMessage, HandoffTicket, ServiceContact
from nuanxin.models.messaging import ConversationEvent, InboundMessage, OutboxMessage
from nuanxin.models.people import Consent, Person
from nuanxin.models.points import PointsEntry, Redemption, Reward
from nuanxin.models.policy import PolicyDraft, PolicyUnit, UnansweredQuestion
from nuanxin.models.report import GridMember, Open311Key, Report, ReportCategory, ReportFollower, ReportStatus
from nuanxin.models.station import Community, GridStation, Station, Street
from nuanxin.models.training import Course, CourseSession, Enrollment
from nuanxin.models.union import UnionApplication, UnionGroup

__all__ = [
    "Base", "utcnow", "Person", "Consent", "Street", "Community", "GridStation", "Station", "ServiceContact",
    "PolicyUnit", "UnansweredQuestion", "UnionGroup", "UnionApplication", "Course", "CourseSession", "Enrollment",
    "ReportCategory", "Report", "ReportStatus", "ReportFollower", "GridMember", "PointsEntry", "Reward", "Redemption",
    "HandoffTicket", "OutboxMessage", "InboundMessage", "ConversationEvent", "StaffAccount", "AuditEntry",
    "PolicyDraft", "HandoffMessage", "Open311Key",
]
