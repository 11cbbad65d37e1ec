"""The cases: supervisions, conditions, contact standards, check-ins, drug tests, notes, referrals,
violations, violation reports and their deliveries, and the background jobs' records; one module each
(``cases``, ``records``, ``violations``, ``jobs``), all importable from here. Business rules live in
``supervision.services``."""

from supervision.models.cases import (
    USER,
    CommunityServiceEntry,
    Condition,
    ConditionType,
    ContactStandard,
    Supervision,
)
from supervision.models.custody import ClosureRequest, CustodyEpisode
from supervision.models.jobs import (
    CheckInPlan,
    DigestDelivery,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    ReminderDelivery,
    ReminderStatus,
)
from supervision.models.records import (
    CaseNote,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
)
from supervision.models.restriction import CaseAccessGrant
from supervision.models.violations import (
    REPORT_CONTENT_FIELDS,
    ReportDelivery,
    ReportViolation,
    Violation,
    ViolationReport,
)

__all__ = [
    "REPORT_CONTENT_FIELDS",
    "USER",
    "CaseAccessGrant",
    "CaseNote",
    "CheckIn",
    "CheckInPlan",
    "ClosureRequest",
    "CommunityServiceEntry",
    "Condition",
    "ConditionType",
    "ContactStandard",
    "CustodyEpisode",
    "DigestDelivery",
    "DrugTest",
    "DrugTestSubstanceResult",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "NotificationPreference",
    "Referral",
    "ReminderDelivery",
    "ReminderStatus",
    "ReportDelivery",
    "ReportViolation",
    "Supervision",
    "Violation",
    "ViolationReport",
]
