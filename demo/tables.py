"""The tables the demo writes in bulk and the columns of their rows, in the order they are written
(a row's parents before it). Each ``add`` call elsewhere passes the values in the order listed here."""

from demo.writer import BulkWriter
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, RiskAssessment
from supervision.models import (
    CaseNote,
    CheckIn,
    CheckInPlan,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Notification,
    Referral,
    ReportDelivery,
    ReportViolation,
    Supervision,
    Violation,
    ViolationReport,
)


class DemoTables:
    def __init__(self, writer: BulkWriter) -> None:
        table = writer.table
        self.offenders = table(
            Offender,
            (
                *("id", "agency_number", "first_name", "middle_name", "last_name", "date_of_birth", "state_id"),
                *("fbi_number", "phone", "email", "primary_language", "created_at", "updated_at"),
            ),
            has_ids=True,
        )
        self.aliases = table(Alias, ("offender_id", "kind", "first_name", "last_name"))
        self.addresses = table(
            Address,
            (
                *("offender_id", "kind", "line1", "line2", "city", "state", "postal_code"),
                *("start_date", "end_date", "verified_on"),
            ),
        )
        self.employments = table(
            Employment,
            (
                *("offender_id", "employer_name", "position", "employer_contact_name", "employer_phone"),
                *("employer_address", "start_date", "end_date", "last_verified_on"),
            ),
        )
        self.emergency_contacts = table(EmergencyContact, ("offender_id", "name", "relationship", "phone"))
        self.risk_assessments = table(
            RiskAssessment, ("offender_id", "instrument", "score", "level", "assessed_on", "assessor_id", "notes")
        )
        self.supervisions = table(
            Supervision,
            (
                *("id", "offender_id", "supervision_type", "court_id", "parole_board_id", "docket_number"),
                *("offense", "start_date", "end_date", "status", "closed_on", "closure_reason", "level"),
                *("officer_id", "unit_id", "created_at", "updated_at"),
            ),
            has_ids=True,
        )
        self.check_in_plans = table(CheckInPlan, ("supervision_id", "level", "status", "planned_at"))
        self.conditions = table(
            Condition,
            (
                *("id", "supervision_id", "condition_type_id", "details", "compliance_status", "hours_required"),
                *("hours_completed", "imposed_on", "ended_on", "updated_at"),
            ),
            has_ids=True,
        )
        self.service_entries = table(
            CommunityServiceEntry,
            ("condition_id", "performed_on", "hours", "organisation", "recorded_by_id", "created_at"),
        )
        self.check_ins = table(
            CheckIn,
            (
                *("id", "supervision_id", "kind", "origin", "window_start", "due_at", "status", "completed_at"),
                *("location", "notes", "excuse_reason", "recorded_by_id", "created_at", "updated_at"),
            ),
            has_ids=True,
        )
        self.drug_tests = table(
            DrugTest,
            (
                *("id", "supervision_id", "reason", "specimen", "panel", "collected_at", "result"),
                *("lab_confirmation", "lab_name", "notes", "recorded_by_id", "created_at", "updated_at"),
            ),
            has_ids=True,
        )
        self.substance_results = table(DrugTestSubstanceResult, ("drug_test_id", "substance", "result", "level_ng_ml"))
        self.case_notes = table(
            CaseNote, ("supervision_id", "author_id", "body", "is_voided", "created_at", "updated_at")
        )
        self.referrals = table(
            Referral,
            (
                *("supervision_id", "kind", "provider", "status", "referred_on", "status_changed_on", "notes"),
                *("referred_by_id", "updated_at"),
            ),
        )
        self.violations = table(
            Violation,
            (
                *("id", "supervision_id", "kind", "severity", "status", "occurred_on", "description"),
                *("check_in_id", "drug_test_id", "condition_id", "response", "recorded_by_id"),
                *("created_at", "updated_at"),
            ),
            has_ids=True,
        )
        self.reports = table(
            ViolationReport,
            (
                *("id", "supervision_id", "narrative", "recommendation", "status", "author_id", "submitted_at"),
                *("reviewed_by_id", "reviewed_at", "review_comment", "court_id", "parole_board_id"),
                *("received_at", "received_by_id", "hearing_at", "hearing_location", "disposition"),
                *("disposition_on", "disposition_note", "created_at", "updated_at"),
            ),
            has_ids=True,
        )
        # A returned report's violations are free for another report (its links are not live).
        self.report_violations = table(ReportViolation, ("report_id", "violation_id", "live"))
        editors = ViolationReport._meta.get_field("editors")
        self.report_editors = table(
            ViolationReport.editors.through, (editors.m2m_column_name(), editors.m2m_reverse_name())
        )
        self.deliveries = table(
            ReportDelivery,
            (
                *("report_id", "court_id", "parole_board_id", "status", "attempts", "last_error", "created_at"),
                "delivered_at",
            ),
        )
        self.notifications = table(
            Notification,
            (
                *("recipient_id", "kind", "message", "supervision_id", "check_in_id", "report_id", "key"),
                *("created_at", "read_at"),
            ),
        )
