"""The audit trail in words: a readable label for each action code (one mapping, ``ACTION_LABELS``; a code
not in it is humanised: ``violation_report.delivery_failed`` → "Violation report: delivery failed") and an
object named by its kind ("Violation report #57", not ``supervision.violationreport #57``).

Both are worked out from the row alone (the model's name comes from the app registry), so the audit viewer
names every row without a query per row. This module imports no domain app: the labels are words, and the
registry answers for whatever models the domain apps installed."""

from django.apps import apps
from django.utils.text import capfirst

ACTION_LABELS: dict[str, str] = {
    # Reads and lists
    "supervision.listed": "Listed cases",
    "supervision.viewed": "Viewed a case",
    "offender.listed": "Listed people",
    "offender.viewed": "Viewed a person",
    "person_record.viewed": "Viewed a person's record",
    "photo.viewed": "Viewed a photo",
    "violation_report.listed": "Listed violation reports",
    "violation_report.viewed": "Viewed a violation report",
    "violation_report.pdf_downloaded": "Downloaded a violation report's PDF",
    "closure_request.listed": "Listed closure requests",
    "closure_request.viewed": "Viewed a closure request",
    "level_override.listed": "Listed level overrides",
    "check_in.listed": "Listed check-ins",
    "check_in.viewed": "Viewed a check-in",
    "drug_test.listed": "Listed drug tests",
    "drug_test.viewed": "Viewed a drug test",
    "case_note.listed": "Listed case notes",
    "case_note.viewed": "Viewed a case note",
    "violation.listed": "Listed violations",
    "violation.viewed": "Viewed a violation",
    "condition.listed": "Listed conditions",
    "condition.viewed": "Viewed a condition",
    "risk_assessment.listed": "Listed risk assessments",
    "risk_assessment.viewed": "Viewed a risk assessment",
    "search.performed": "Searched",
    "search.throttled": "Searched too often (slowed down)",
    "export.throttled": "Exported too often (slowed down)",
    "dashboard.viewed": "Viewed the dashboard",
    "dashboard.exported": "Exported the dashboard",
    "audit.viewed": "Viewed the audit trail",
    "audit.exported": "Exported the audit trail",
    "audit.archived": "Archived audit rows",
    "access.denied": "Was refused access",
    # Cases
    "supervision.opened": "Opened a case",
    "supervision.closed": "Closed a case",
    "supervision.reassigned": "Reassigned a case",
    "supervision.level_changed": "Changed a case's level",
    "supervision.status_changed": "Changed a case's status",
    "supervision.restricted": "Restricted a case",
    "supervision.unrestricted": "Lifted a case's restriction",
    "case_access.granted": "Gave access to a restricted case",
    "case_access.revoked": "Took back access to a restricted case",
    "closure_request.submitted": "Asked to close a case",
    "closure_request.approved": "Approved a case's closure",
    "closure_request.declined": "Declined a case's closure",
    "closure_request.cancelled": "Withdrew a closure request",
    "level_override.requested": "Asked for a level override",
    "level_override.approved": "Approved a level override",
    "level_override.declined": "Declined a level override",
    "condition.imposed": "Imposed a condition",
    "condition.modified": "Modified a condition",
    "condition.changed": "Changed a condition",
    "condition.ended": "Ended a condition",
    "risk_assessment.recorded": "Recorded a risk assessment",
    # What happens on a case
    "check_in.scheduled": "Scheduled check-ins",
    "check_in.replanned": "Rescheduled check-ins",
    "check_in.completed": "Completed a check-in",
    "check_in.contact_recorded": "Recorded a contact",
    "check_in.excused": "Excused a check-in",
    "check_in.missed": "Marked a check-in missed",
    "check_in.reminder_sent": "Sent a check-in reminder",
    "drug_test.recorded": "Recorded a drug test",
    "case_note.added": "Added a case note",
    "referral.created": "Made a referral",
    "referral.status_changed": "Updated a referral",
    "community_service.logged": "Logged community service",
    "violation.recorded": "Recorded a violation",
    "violation.created": "Recorded a violation",
    "violation.merged": "Merged a violation",
    "violation.dismissed": "Dismissed a violation",
    "violation.withdrawn": "Withdrew a violation",
    # Violation reports
    "violation_report.drafted": "Drafted a violation report",
    "violation_report.updated": "Edited a violation report",
    "violation_report.submitted": "Submitted a violation report",
    "violation_report.approved": "Approved a violation report",
    "violation_report.returned": "Returned a violation report",
    "violation_report.routed": "Sent a violation report to the court or board",
    "violation_report.delivery_failed": "Could not deliver a violation report",
    "violation_report.received": "Acknowledged a violation report",
    "violation_report.hearing_scheduled": "Set a hearing",
    "violation_report.disposed": "Recorded a disposition",
    # People's records
    "offender.created": "Registered a person",
    "address.added": "Added an address",
    "address.corrected": "Corrected an address",
    "address.verified": "Verified an address",
    "alias.added": "Added an alias",
    "alias.ended": "Ended an alias",
    "phone.added": "Added a phone number",
    "phone.ended": "Ended a phone number",
    "phone.made_primary": "Made a phone number primary",
    "photo.uploaded": "Uploaded a photo",
    "employment.added": "Added employment",
    "employment.ended": "Ended employment",
    "employment.verified": "Verified employment",
    "emergency_contact.added": "Added an emergency contact",
    "emergency_contact.updated": "Updated an emergency contact",
    "emergency_contact.ended": "Ended an emergency contact",
    # Users, sign-in and the platform
    "user.signed_in": "Signed in",
    "user.signed_out": "Signed out",
    "user.sign_in_failed": "Failed to sign in",
    "user.locked_out": "Was locked out",
    "user.unlocked": "Unlocked a user",
    "user.password_changed": "Changed their password",
    "user.admin_password_set": "Set a user's password",
    "user.access_changed": "Changed a user's access",
    "user.session_extended": "Stayed signed in",
    "user.session_ended": "Was signed out (idle)",
    "user.two_factor_enrolled": "Set up two-step sign-in",
    "user.two_factor_verified": "Passed two-step sign-in",
    "user.two_factor_failed": "Failed two-step sign-in",
    "user.two_factor_reset": "Reset a user's two-step sign-in",
    "api_token.issued": "Issued an API token",
    "api_token.revoked": "Revoked an API token",
    "unit.digest_sent": "Sent the unit's digest",
    "webhook_delivery.failed": "A webhook delivery failed",
    "webhook_delivery.retried": "Retried a webhook delivery",
    "database.app_role_granted": "Granted the application's database role",
}

# Kinds of object whose model name does not read well on its own.
OBJECT_LABELS: dict[str, str] = {
    "supervision.supervision": "Case",
    "supervision.checkin": "Check-in",
    "offenders.offender": "Person",
    "agency.user": "User",
}


def _humanise(code: str) -> str:
    return code.replace("_", " ").strip()


def action_label(code: str) -> str:
    """What the row's action code means: "Listed cases" for ``supervision.listed``."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    subject, _, verb = code.partition(".")
    if subject.endswith("admin_saved") or verb == "admin_saved":
        return f"Saved {_humanise(subject)} in the admin"
    if verb == "admin_deactivated":
        return f"Deactivated {_humanise(subject)} in the admin"
    if not verb:
        return capfirst(_humanise(subject))
    return f"{capfirst(_humanise(subject))}: {_humanise(verb)}"


def object_kind_label(object_type: str) -> str:
    """The kind of a row's object in words: "Violation report" for ``supervision.violationreport``."""
    if not object_type:
        return ""
    if object_type in OBJECT_LABELS:
        return OBJECT_LABELS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(capfirst(model._meta.verbose_name))


def object_label(object_type: str, object_id: str) -> str:
    """The row's object in words: "Violation report #57"."""
    kind = object_kind_label(object_type)
    if not kind:
        return ""
    return f"{kind} #{object_id}" if object_id else kind
