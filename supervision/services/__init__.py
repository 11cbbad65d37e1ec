"""Business rules for supervision. Views, the API, the admin, tasks and commands call these; nothing
else writes case state. Each function is atomic, validates, and writes its audit row in the same
transaction; follow-up work is queued only after commit."""

from supervision.authority import Authority, report_authority, supervision_authority
from supervision.services.assignment import officer_for_intake, supervision_reassign
from supervision.services.authority_actions import (
    violation_report_acknowledge,
    violation_report_dispose,
    violation_report_schedule_hearing,
)
from supervision.services.case_changes import supervision_change_level, supervision_change_status, supervision_close
from supervision.services.case_records import (
    case_note_add,
    community_service_log,
    referral_create,
    referral_status_update,
)
from supervision.services.check_ins import check_in_complete, check_in_excuse, check_ins_schedule, contact_record
from supervision.services.closures import closure_request_approve, closure_request_decline, closure_request_submit
from supervision.services.conditions import condition_end, condition_impose, condition_modify
from supervision.services.custody import custody_end, custody_start
from supervision.services.delivery import (
    DeliveryFailed,
    DeliveryRejected,
    DeliveryTransientError,
    report_deliveries_sweep,
    report_delivery_deliver,
)
from supervision.services.digests import supervisor_digest_send
from supervision.services.drug_tests import drug_test_record
from supervision.services.missed_check_ins import FlagMissedResult, check_ins_flag_missed
from supervision.services.reminders import check_in_reminders_send
from supervision.services.reports import (
    violation_report_approve,
    violation_report_draft,
    violation_report_return,
    violation_report_submit,
    violation_report_update,
)
from supervision.services.scheduling import check_ins_schedule_all
from supervision.services.supervisions import supervision_open
from supervision.services.violations import (
    violation_dismiss,
    violation_merge,
    violation_record,
    violation_withdraw,
)

__all__ = [
    "Authority",
    "DeliveryFailed",
    "DeliveryRejected",
    "DeliveryTransientError",
    "FlagMissedResult",
    "case_note_add",
    "check_in_complete",
    "check_in_excuse",
    "check_in_reminders_send",
    "check_ins_flag_missed",
    "check_ins_schedule",
    "check_ins_schedule_all",
    "closure_request_approve",
    "closure_request_decline",
    "closure_request_submit",
    "community_service_log",
    "condition_end",
    "condition_impose",
    "condition_modify",
    "contact_record",
    "custody_end",
    "custody_start",
    "drug_test_record",
    "officer_for_intake",
    "referral_create",
    "referral_status_update",
    "report_authority",
    "report_deliveries_sweep",
    "report_delivery_deliver",
    "supervision_authority",
    "supervision_change_level",
    "supervision_change_status",
    "supervision_close",
    "supervision_open",
    "supervision_reassign",
    "supervisor_digest_send",
    "violation_dismiss",
    "violation_merge",
    "violation_record",
    "violation_report_acknowledge",
    "violation_report_approve",
    "violation_report_dispose",
    "violation_report_draft",
    "violation_report_return",
    "violation_report_schedule_hearing",
    "violation_report_submit",
    "violation_report_update",
    "violation_withdraw",
]
