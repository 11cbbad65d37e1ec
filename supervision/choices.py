from django.db import models


class SupervisionType(models.TextChoices):
    PAROLE = "parole", "Parole"
    PROBATION = "probation", "Probation"


class SupervisionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive (non-reporting)"
    ABSCONDED = "absconded", "Absconded"
    WARRANT = "warrant", "Warrant issued"
    IN_CUSTODY = "in_custody", "In custody"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    EARLY_TERMINATION = "early_termination", "Early termination"
    REVOKED = "revoked", "Revoked"
    TRANSFERRED = "transferred", "Transferred out"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


# Closures that need a supervisor's approval (four eyes): the officer asks (a closure request), another
# person, a supervisor of the unit, approves (supervision.services.closures).
FOUR_EYES_CLOSURES = frozenset({ClosureReason.EARLY_TERMINATION, ClosureReason.TRANSFERRED})


class ClosureRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved: the case is closed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled: the case was closed otherwise"


class SupervisionLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    ADMINISTRATIVE = "administrative", "Administrative"


class ConditionCategory(models.TextChoices):
    STANDARD = "standard", "Standard"
    SPECIAL = "special", "Special"


class ConditionAppliesTo(models.TextChoices):
    BOTH = "both", "Parole and probation"
    PAROLE = "parole", "Parole only"
    PROBATION = "probation", "Probation only"


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", "Compliant"
    IN_PROGRESS = "in_progress", "In progress"
    NON_COMPLIANT = "non_compliant", "Non-compliant"
    SATISFIED = "satisfied", "Satisfied"
    WAIVED = "waived", "Waived"
    # Derived, never stored by hand: a condition cited by a live violation (supervision.compliance).
    VIOLATED = "violated", "Violated"


class CheckInKind(models.TextChoices):
    OFFICE = "office", "Office visit"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    EMPLOYER = "employer", "Employer contact"
    COLLATERAL = "collateral", "Collateral contact"
    # Done by the officer, not the person: a search of the criminal record and the court's docket for new
    # arrests and filings. The contact an inactive (non-reporting) probation case's standard may plan.
    RECORD_CHECK = "record_check", "Record check"


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    EXCUSED = "excused", "Excused"


class CheckInOrigin(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled from the contact standard"
    UNSCHEDULED = "unscheduled", "Unscheduled contact"


class DrugTestReason(models.TextChoices):
    RANDOM = "random", "Random"
    SCHEDULED = "scheduled", "Scheduled"
    FOR_CAUSE = "for_cause", "For cause"


class Specimen(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"
    HAIR = "hair", "Hair"
    SWEAT_PATCH = "sweat_patch", "Sweat patch"
    BREATH = "breath", "Breath"
    BLOOD = "blood", "Blood"


class DrugTestResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    DILUTE = "dilute", "Dilute"
    ADULTERATED = "adulterated", "Adulterated"
    REFUSED = "refused", "Refused"
    NO_SHOW = "no_show", "No-show"


# A result in this set is non-compliance and opens a violation.
NON_COMPLIANT_RESULTS = frozenset(
    {
        DrugTestResult.POSITIVE,
        DrugTestResult.DILUTE,
        DrugTestResult.ADULTERATED,
        DrugTestResult.REFUSED,
        DrugTestResult.NO_SHOW,
    }
)


class LabConfirmation(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Not requested"
    PENDING = "pending", "Sent to the lab"
    CONFIRMED = "confirmed", "Confirmed by the lab"
    NOT_CONFIRMED = "not_confirmed", "Not confirmed by the lab"


class Substance(models.TextChoices):
    AMPHETAMINES = "amphetamines", "Amphetamines"
    METHAMPHETAMINE = "methamphetamine", "Methamphetamine"
    COCAINE = "cocaine", "Cocaine"
    OPIATES = "opiates", "Opiates"
    FENTANYL = "fentanyl", "Fentanyl"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    THC = "thc", "Cannabinoids (THC)"
    PCP = "pcp", "Phencyclidine (PCP)"
    ALCOHOL = "alcohol", "Alcohol (EtG)"


class SubstanceResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"


class ReferralKind(models.TextChoices):
    JOB_TRAINING = "job_training", "Job training"
    HOUSING = "housing", "Housing"
    DRUG_REHABILITATION = "drug_rehabilitation", "Drug rehabilitation"
    COUNSELLING = "counselling", "Counselling"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    DISCONTINUED = "discontinued", "Discontinued"
    DECLINED = "declined", "Declined"


class ViolationKind(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    NEW_OFFENCE = "new_offence", "New offence"
    ABSCONDING = "absconding", "Absconding"


class ViolationSeverity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ViolationStatus(models.TextChoices):
    OPEN = "open", "Open"
    SANCTIONED = "sanctioned", "Answered with a graduated response"
    REPORTED = "reported", "In a violation report"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn (recorded in error)"


# A violation in one of these statuses is live: the condition it cites shows as violated (supervision.compliance)
# until it is resolved, dismissed (not sustained) or withdrawn (recorded in error).
LIVE_VIOLATION_STATUSES = frozenset({ViolationStatus.OPEN, ViolationStatus.SANCTIONED, ViolationStatus.REPORTED})


class ReportRecommendation(models.TextChoices):
    CONTINUE = "continue", "Continue supervision"
    MODIFY_CONDITIONS = "modify_conditions", "Modify conditions"
    REVOKE = "revoke", "Revoke"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to the supervisor"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned to the officer"
    ROUTED = "routed", "Routed to the authority"
    RECEIVED = "received", "Received by the authority"
    HEARING_SCHEDULED = "hearing_scheduled", "Hearing scheduled"
    DISPOSED = "disposed", "Disposed"


# The statuses' order, who moves a report from one to the next, and the sets derived from them (editable,
# with an authority, seen by the authority) are in supervision.lifecycle.


class Disposition(models.TextChoices):
    CONTINUED = "continued", "Continued"
    CONDITIONS_MODIFIED = "conditions_modified", "Conditions modified"
    REVOKED = "revoked", "Revoked"
    DISMISSED = "dismissed", "Dismissed"


class AuthorityType(models.TextChoices):
    COURT = "court", "Court"
    PAROLE_BOARD = "parole_board", "Parole board"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (will retry)"


class Attention(models.IntegerChoices):
    """How urgent a case is today, by its next open (scheduled) check-in; the caseload sorts on it."""

    OVERDUE = 0, "Overdue"
    DUE_TODAY = 1, "Due today"
    WINDOW_OPEN = 2, "Window open"
    NONE = 3, "Nothing due"
