"""Business rules for supervision. Views, the API, the admin, tasks and commands call these; nothing
else writes case state. Each function is atomic, validates, and writes its audit row in the same
transaction; follow-up work is queued only after commit."""

from supervision.services.authority import Authority, supervision_authority
from supervision.services.case_records import (
    case_note_add,
    community_service_log,
    referral_create,
    referral_status_update,
)
from supervision.services.check_ins import check_in_complete, check_in_excuse, check_ins_schedule, contact_record
from supervision.services.delivery import report_delivery_deliver
from supervision.services.drug_tests import drug_test_record
from supervision.services.reports import (
    violation_report_approve,
    violation_report_draft,
    violation_report_return,
    violation_report_submit,
    violation_report_update,
)
from supervision.services.supervisions import supervision_open
from supervision.services.violations import violation_record

__all__ = [
    "Authority",
    "case_note_add",
    "check_in_complete",
    "check_in_excuse",
    "check_ins_schedule",
    "community_service_log",
    "contact_record",
    "drug_test_record",
    "referral_create",
    "referral_status_update",
    "report_delivery_deliver",
    "supervision_authority",
    "supervision_open",
    "violation_record",
    "violation_report_approve",
    "violation_report_draft",
    "violation_report_return",
    "violation_report_submit",
    "violation_report_update",
]
