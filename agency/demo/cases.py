"""One demo offender with their supervision and a year of its history, as rows for the BulkWriter.

Each offender ``index`` has its own ``random.Random`` seeded from (seed, index): the same seed gives the
same people, agency numbers and histories, whatever ``--offenders`` is and however many runs it took
(a top-up continues where the last run stopped). Dates are relative to today.

The rows keep every database constraint and follow what the services would have written: check-ins on
the contact standard's grid (as ``check_ins_schedule`` plans them), one violation per missed check-in (as
the missed check-in sweep opens it) and per non-compliant drug test (as ``drug_test_record`` does),
reports whose authority comes from ``supervision_authority`` once approved, a pending delivery for an
approved report and a delivered one from routing on.
"""

import random
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from agency.demo import vocabulary as words
from agency.demo.reference import LOGIN_CASELOAD, Agency, officer_slot
from agency.demo.reports import ReportPlanner, ViolationDraft
from agency.demo.writer import BulkWriter
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, RiskAssessment
from supervision.choices import (
    CheckInStatus,
    ClosureReason,
    DrugTestResult,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    CheckInPlan,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
    Supervision,
)

DAY = timedelta(days=1)
MIDNIGHT = time()
HISTORY_DAYS = 365
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
STATE_ID_PREFIX = "DEMO-"  # demo offenders are recognised by it (a top-up counts them)

# The `officer` login's first cases, so that every report status is in the demo and in the right inbox:
# index -> (supervision type, authority slot: 0 is the `clerk`'s court or the `board`'s board, report status)
SCRIPTED_REPORTS = {
    0: (SupervisionType.PROBATION, 0, "routed"),
    1: (SupervisionType.PROBATION, 0, "received"),
    2: (SupervisionType.PROBATION, 0, "hearing_scheduled"),
    3: (SupervisionType.PROBATION, 0, "disposed"),
    4: (SupervisionType.PAROLE, 0, "routed"),
    5: (SupervisionType.PAROLE, 0, "received"),
    6: (SupervisionType.PAROLE, 0, "hearing_scheduled"),
    7: (SupervisionType.PAROLE, 0, "disposed"),
    8: (SupervisionType.PROBATION, 0, "submitted"),
    9: (SupervisionType.PAROLE, 0, "submitted"),
    10: (SupervisionType.PROBATION, 1, "draft"),
    11: (SupervisionType.PAROLE, 1, "returned"),
    12: (SupervisionType.PROBATION, 0, "approved"),
    13: (SupervisionType.PAROLE, 0, "approved"),
}
DUE_TODAY = frozenset({14, 15, 16})  # a check-in window that closes at the end of today
OVERDUE = frozenset({17, 18})  # the last window closed, but the missed check-in sweep has not run yet
ALWAYS_ACTIVE_BELOW = 19

# How often a person misses a check-in and fails a test: most comply, some struggle, a few do not.
PROFILES = ((0.70, 0.02, 0.04), (0.92, 0.08, 0.12), (1.0, 0.25, 0.35))  # (cumulative share, p miss, p fail)
TESTS_PER_YEAR = {"high": 8, "medium": 4, "low": 1, "administrative": 0}
NOTES_BY_LEVEL = {"high": 2, "medium": 1, "low": 0, "administrative": 0}
PANELS = (
    (0.85, "urine", "5-panel urine cup", ("amphetamines", "cocaine", "opiates", "pcp", "thc")),
    (
        0.95,
        "oral_fluid",
        "6-panel oral fluid",
        ("amphetamines", "benzodiazepines", "cocaine", "methamphetamine", "opiates", "thc"),
    ),
    (1.0, "breath", "Breath alcohol", ("alcohol",)),
)
FAIL_RESULTS = (  # among failed tests
    (0.70, DrugTestResult.POSITIVE, ""),
    (0.85, DrugTestResult.DILUTE, "Creatinine below 20 mg/dL."),
    (0.93, DrugTestResult.REFUSED, "Refused to provide a specimen."),
    (0.98, DrugTestResult.NO_SHOW, "Did not come in for the random test called that morning."),
    (1.0, DrugTestResult.ADULTERATED, "Specimen temperature out of range; adulterant suspected."),
)
SCORE_RANGES = {
    "oras": {"low": (0, 14), "moderate": (15, 23), "high": (24, 33), "very_high": (34, 49)},
    "lsi_r": {"low": (0, 13), "moderate": (14, 23), "high": (24, 33), "very_high": (34, 54)},
    "compas": {"low": (1, 4), "moderate": (5, 7), "high": (8, 9), "very_high": (10, 10)},
}


def _weighted(rng: random.Random, table):
    r = rng.random()
    for row in table:
        if r < row[0]:
            return row
    return table[-1]


class CaseGenerator:
    """Appends the rows of one demo offender at a time to the writer's tables."""

    def __init__(
        self, *, writer: BulkWriter, agency: Agency, seed: int, pools: dict, now: datetime, used_numbers: set[str]
    ) -> None:
        self.agency = agency
        self.seed = seed
        self.pools = pools
        self.now = now
        self.tz = now.tzinfo
        self.today = now.date()
        self.used_numbers = used_numbers
        self.unit_office = {u.pk: u.office for u in agency.units}
        self.unit_supervisor = {u.pk: u.supervisor_id for u in agency.units}
        self.offenders = writer.table(
            Offender,
            (
                "id",
                "agency_number",
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "state_id",
                "fbi_number",
                "phone",
                "email",
                "primary_language",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        self.aliases = writer.table(Alias, ("offender_id", "kind", "first_name", "last_name"))
        self.addresses = writer.table(
            Address,
            (
                "offender_id",
                "kind",
                "line1",
                "line2",
                "city",
                "state",
                "postal_code",
                "start_date",
                "end_date",
                "verified_on",
            ),
        )
        self.employments = writer.table(
            Employment,
            (
                "offender_id",
                "employer_name",
                "position",
                "employer_contact_name",
                "employer_phone",
                "employer_address",
                "start_date",
                "end_date",
                "last_verified_on",
            ),
        )
        self.contacts = writer.table(EmergencyContact, ("offender_id", "name", "relationship", "phone"))
        self.risks = writer.table(
            RiskAssessment, ("offender_id", "instrument", "score", "level", "assessed_on", "assessor_id", "notes")
        )
        self.supervisions = writer.table(
            Supervision,
            (
                "id",
                "offender_id",
                "supervision_type",
                "court_id",
                "parole_board_id",
                "docket_number",
                "offense",
                "start_date",
                "end_date",
                "status",
                "closed_on",
                "closure_reason",
                "level",
                "officer_id",
                "unit_id",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        self.plans = writer.table(CheckInPlan, ("supervision_id", "level", "planned_at"))
        self.conditions = writer.table(
            Condition,
            (
                "id",
                "supervision_id",
                "condition_type_id",
                "details",
                "compliance_status",
                "hours_required",
                "hours_completed",
                "imposed_on",
                "ended_on",
                "updated_at",
            ),
            has_ids=True,
        )
        self.service_entries = writer.table(
            CommunityServiceEntry,
            ("condition_id", "performed_on", "hours", "organisation", "recorded_by_id", "created_at"),
        )
        self.check_ins = writer.table(
            CheckIn,
            (
                "id",
                "supervision_id",
                "kind",
                "origin",
                "window_start",
                "due_at",
                "status",
                "completed_at",
                "location",
                "notes",
                "excuse_reason",
                "recorded_by_id",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        self.drug_tests = writer.table(
            DrugTest,
            (
                "id",
                "supervision_id",
                "reason",
                "specimen",
                "panel",
                "collected_at",
                "result",
                "lab_confirmation",
                "lab_name",
                "notes",
                "recorded_by_id",
                "created_at",
                "updated_at",
            ),
            has_ids=True,
        )
        self.substance_results = writer.table(
            DrugTestSubstanceResult, ("drug_test_id", "substance", "result", "level_ng_ml")
        )
        self.notes = writer.table(
            CaseNote, ("supervision_id", "author_id", "body", "is_voided", "created_at", "updated_at")
        )
        self.referrals = writer.table(
            Referral,
            (
                "supervision_id",
                "kind",
                "provider",
                "status",
                "referred_on",
                "status_changed_on",
                "notes",
                "referred_by_id",
                "updated_at",
            ),
        )
        self.reports = ReportPlanner(writer=writer, agency=agency, now=now)
        self.condition_types = agency.conditions

    # --- helpers ---------------------------------------------------------------------------------

    def _at(self, day: date, hour: int = 0, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _agency_number(self, rng: random.Random) -> str:
        from offenders.models import agency_number_generate

        while True:
            number = agency_number_generate(rng)  # type: ignore[arg-type]
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    # --- one offender ----------------------------------------------------------------------------

    def build(self, index: int) -> None:
        rng = random.Random(f"caseline-demo:{self.seed}:{index}")
        today, now, pools = self.today, self.now, self.pools
        script = SCRIPTED_REPORTS.get(index)

        # The person.
        male = rng.random() < 0.8
        first = rng.choice(pools["first_male"] if male else pools["first_female"])
        middle = rng.choice(pools["first_male"] if male else pools["first_female"]) if rng.random() < 0.6 else ""
        last = rng.choice(pools["last"])
        offender_id = self.offenders.new_id()
        language = _weighted(rng, tuple((p, name) for name, p in words.LANGUAGES))[1]
        email_name = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        self.offenders.add(
            offender_id,
            self._agency_number(rng),
            first,
            middle,
            last,
            today - timedelta(days=rng.randint(18 * 365 + 10, 68 * 365)),
            f"{STATE_ID_PREFIX}{index + 1:07d}",
            f"{index + 1:07d}{rng.choice(LETTERS)}{rng.choice(LETTERS)}" if rng.random() < 0.55 else "",
            f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.92 else "",
            f"{email_name}{rng.randint(1, 99)}@example.com" if rng.random() < 0.45 else "",
            language,
            now,
            now,
        )

        # The supervision: type, status, level, dates, authority, officer.
        if script:
            supervision_type = script[0]
        elif index < LOGIN_CASELOAD:
            supervision_type = SupervisionType.PAROLE if index % 2 else SupervisionType.PROBATION
        else:
            supervision_type = SupervisionType.PAROLE if rng.random() < 0.4 else SupervisionType.PROBATION
        parole = supervision_type == SupervisionType.PAROLE
        if index < ALWAYS_ACTIVE_BELOW:
            status = SupervisionStatus.ACTIVE
        else:
            r = rng.random()
            if parole:
                status = (
                    SupervisionStatus.ACTIVE
                    if r < 0.90
                    else SupervisionStatus.ABSCONDED
                    if r < 0.93
                    else SupervisionStatus.WARRANT
                    if r < 0.96
                    else SupervisionStatus.CLOSED
                )
            else:
                status = (
                    SupervisionStatus.ACTIVE
                    if r < 0.64
                    else SupervisionStatus.INACTIVE
                    if r < 0.88
                    else SupervisionStatus.ABSCONDED
                    if r < 0.92
                    else SupervisionStatus.WARRANT
                    if r < 0.95
                    else SupervisionStatus.CLOSED
                )
        r = rng.random()
        if status == SupervisionStatus.INACTIVE:
            level = "administrative" if r < 0.7 else "low"
        else:
            level = "high" if r < 0.10 else "medium" if r < 0.40 else "low" if r < 0.75 else "administrative"
        standard = self.agency.standards.get(level)

        if script or status != SupervisionStatus.ACTIVE:
            start = today - timedelta(days=rng.randint(230, 1100))  # old enough for a report's whole lifecycle
        else:
            start = today - timedelta(days=rng.randint(30, 1100))
        if index in DUE_TODAY and standard is not None:
            interval, window = standard.check_in_interval_days, standard.window_days
            closing_today = today + DAY - timedelta(days=window)  # its window closes at the end of today
            start = closing_today - timedelta(days=interval * rng.randint(-(-60 // interval), -(-700 // interval)))
        end = start + timedelta(days=365 * rng.randint(1, 4 if parole else 5))
        closed_on = None
        closure_reason = ""
        abscond_day = None
        if status == SupervisionStatus.CLOSED:
            closed_on = today - timedelta(days=rng.randint(3, 200))
            r = rng.random()
            closure_reason = (
                ClosureReason.COMPLETED
                if r < 0.5
                else ClosureReason.EARLY_TERMINATION
                if r < 0.65
                else ClosureReason.REVOKED
                if r < 0.9
                else ClosureReason.TRANSFERRED
            )
            if closure_reason == ClosureReason.COMPLETED:
                end = closed_on
            activity_end = closed_on - DAY
        elif status in (SupervisionStatus.ABSCONDED, SupervisionStatus.WARRANT):
            abscond_day = today - timedelta(days=rng.randint(14, 150))
            activity_end = today - DAY
        else:
            activity_end = today - DAY
        if status != SupervisionStatus.CLOSED and end < today + timedelta(days=30):
            end = today + timedelta(days=rng.randint(30, 400))
        first_day = max(start, today - timedelta(days=HISTORY_DAYS))

        agency = self.agency
        if parole:
            slot = script[1] if script else 0 if rng.random() < (0.6 if index < LOGIN_CASELOAD else 0.65) else 1
            court, board = None, agency.boards[min(slot, len(agency.boards) - 1)]
        else:
            if script:
                slot = script[1]
            elif rng.random() < (0.5 if index < LOGIN_CASELOAD else 0.4):
                slot = 0
            else:
                slot = rng.randint(1, len(agency.courts) - 1)
            court, board = agency.courts[min(slot, len(agency.courts) - 1)], None
        officer = agency.officers[officer_slot(index)]
        officer_id, unit_id = officer.pk, officer.unit_id
        offense = rng.choice(words.PAROLE_OFFENCES if parole else words.PROBATION_OFFENCES)
        docket = f"P-{index + 1:07d}" if parole else f"CR-{start.year}-{index + 1:06d}"
        supervision_id = self.supervisions.new_id()
        self.supervisions.add(
            supervision_id,
            offender_id,
            supervision_type,
            court.pk if court else None,
            board.pk if board else None,
            docket,
            offense,
            start,
            end,
            status,
            closed_on,
            closure_reason,
            level,
            officer_id,
            unit_id,
            self._at(start, 10),
            now,
        )
        if status == SupervisionStatus.ACTIVE:
            self.plans.add(supervision_id, level, now)

        # Home, work, family, risk.
        employer = self._person_record(rng, offender_id, first, last, male, parole, start, status, level, officer_id)

        # Conditions (ids now: violations point at them; rows at the end, with their compliance).
        codes = ["report-as-directed", "obey-all-laws"]
        if script or rng.random() < 0.85:
            codes.append("no-drugs")
        if parole or rng.random() < 0.5:
            codes.append("no-weapons")
        if rng.random() < 0.5:
            codes.append("keep-employment")
        if rng.random() < (0.25 if parole else 0.8):
            codes.append("pay-fees")
        if rng.random() < 0.5:
            codes.append("travel-restriction")
        specials = [
            code
            for code, _n, _d, category, applies_to, _h, _w in words.CONDITION_CATALOGUE
            if category == "special" and applies_to in ("both", supervision_type)
        ]
        codes += rng.sample(specials, rng.randint(1, 2))
        condition_ids = {code: self.conditions.new_id() for code in codes if code in self.condition_types}

        profile = _weighted(rng, PROFILES)
        p_miss, p_fail = profile[1], profile[2]
        violations: list[ViolationDraft] = []
        missed_recent = []
        stats = {"missed": 0, "failed": 0}

        # Scheduled check-ins on the contact standard's grid, from the start of the supervision.
        if standard is not None and status != SupervisionStatus.INACTIVE:
            self._check_ins(
                rng,
                index,
                supervision_id,
                standard,
                status,
                start,
                end,
                first_day,
                closed_on,
                abscond_day,
                officer_id,
                unit_id,
                p_miss,
                violations,
                missed_recent,
                stats,
            )
        self._contacts(rng, supervision_id, status, level, first_day, activity_end, employer, officer_id)

        # Drug tests.
        if "no-drugs" in condition_ids and status != SupervisionStatus.INACTIVE:
            self._drug_tests(
                rng, supervision_id, level, first_day, activity_end, officer_id, p_fail, script, violations, stats
            )

        # Other violations: absconding, a new offence, a broken special condition.
        if abscond_day is not None:
            interval = standard.check_in_interval_days if standard else 14
            day = min(abscond_day + timedelta(days=interval), today)
            violations.append(
                ViolationDraft(
                    occurred_on=day,
                    kind=ViolationKind.ABSCONDING,
                    severity=ViolationSeverity.HIGH,
                    description=f"Whereabouts unknown since {abscond_day:%Y-%m-%d}: not at the residence of record "
                    "and not answering the phone.",
                    condition_id=condition_ids.get("report-as-directed"),
                    recorded_by_id=officer_id,
                    created_at=self._at(day, 15),
                )
            )
        if activity_end > first_day and rng.random() < 0.03:
            day = first_day + timedelta(days=rng.randrange((activity_end - first_day).days))
            violations.append(
                ViolationDraft(
                    occurred_on=day,
                    kind=ViolationKind.NEW_OFFENCE,
                    severity=ViolationSeverity.HIGH,
                    description=f"Arrested on {day:%Y-%m-%d} for {rng.choice(words.NEW_OFFENCES)}; charges pending.",
                    condition_id=condition_ids.get("obey-all-laws"),
                    recorded_by_id=officer_id,
                    created_at=self._at(day + DAY, 11),
                )
            )
        broken = [c for c in ("curfew", "no-contact", "travel-restriction") if c in condition_ids]
        if broken and activity_end > first_day and rng.random() < 0.06:
            code = rng.choice(broken)
            day = first_day + timedelta(days=rng.randrange((activity_end - first_day).days))
            description = {
                "curfew": "Not at home during a curfew check at 11:40 p.m.",
                "no-contact": f"The victim reported text messages from {first}.",
                "travel-restriction": "Left the state without a travel permit.",
            }[code]
            violations.append(
                ViolationDraft(
                    occurred_on=day,
                    kind=ViolationKind.TECHNICAL,
                    severity=ViolationSeverity.LOW if code == "curfew" else ViolationSeverity.MEDIUM,
                    description=description,
                    condition_id=condition_ids[code],
                    recorded_by_id=officer_id,
                    created_at=self._at(day, 16),
                )
            )

        # Violation report (at most one per case) and the violations' statuses.
        self.reports.plan(
            rng=rng,
            script_status=script[2] if script else None,
            supervision_id=supervision_id,
            supervision_type=supervision_type,
            court=court,
            board=board,
            status=status,
            closure_reason=closure_reason,
            closed_on=closed_on,
            officer_id=officer_id,
            reviewer_id=self.unit_supervisor.get(unit_id),
            violations=violations,
            narrative_intro=(
                f"{first} {last} has been on {supervision_type} since {start:%B} {start.day}, {start.year} "
                f"for {offense.lower()} (docket {docket})."
            ),
            docket=docket,
            missed_recent=missed_recent,
        )

        # Condition rows with their compliance; community service hours.
        for code, condition_id in condition_ids.items():
            self._condition(
                rng, code, condition_id, supervision_id, start, closed_on, activity_end, profile, stats, officer_id
            )

        # Case notes and referrals.
        span = max((activity_end - first_day).days, 1)
        for _ in range(rng.randint(1, 2) + NOTES_BY_LEVEL[level]):
            day = first_day + timedelta(days=rng.randrange(span))
            at = self._at(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
            body = rng.choice(words.CASE_NOTES).format(first=first, employer=employer or "a warehouse")
            self.notes.add(supervision_id, officer_id, body, rng.random() < 0.01, at, now)
        kinds = []
        if "substance-treatment" in condition_ids:
            kinds.append("drug_rehabilitation")
        if "counselling" in condition_ids:
            kinds.append("counselling")
        if not employer and rng.random() < 0.3:
            kinds.append("job_training")
        if rng.random() < 0.05:
            kinds.append("housing")
        for kind in kinds:
            referred_on = first_day + timedelta(days=rng.randint(0, min(60, span)))
            elapsed = (today - referred_on).days
            if elapsed < 30:
                ref_status = "referred" if rng.random() < 0.6 else "enrolled"
            else:
                ref_status = _weighted(
                    rng, ((0.4, "enrolled"), (0.7, "completed"), (0.85, "discontinued"), (1.0, "declined"))
                )[1]
            changed_on = (
                referred_on + timedelta(days=rng.randint(0, min(elapsed, 90)))
                if ref_status != "referred"
                else referred_on
            )
            self.referrals.add(
                supervision_id,
                kind,
                rng.choice(words.PROVIDERS[kind]),
                ref_status,
                referred_on,
                changed_on,
                "",
                officer_id,
                now,
            )

    # --- parts of one offender ---------------------------------------------------------------------

    def _person_record(self, rng, offender_id, first, last, male, parole, start, status, level, officer_id) -> str:
        today, pools = self.today, self.pools
        if rng.random() < 0.25:
            if rng.random() < 0.5:
                self.aliases.add(offender_id, "nickname", rng.choice(words.NICKNAMES), last)
            else:
                self.aliases.add(
                    offender_id,
                    "alias",
                    rng.choice(pools["first_male" if male else "first_female"]),
                    rng.choice(pools["last"]),
                )
        town, postal = rng.choice(words.TOWNS)
        moved_in = (
            min(start + timedelta(days=rng.randint(0, 10)), today)
            if parole
            else start - timedelta(days=rng.randint(0, 900))
        )
        open_case = status != SupervisionStatus.CLOSED
        self.addresses.add(
            offender_id,
            "shelter" if rng.random() < 0.06 else "residence",
            f"{rng.randint(100, 9899)} {rng.choice(pools['street'])}",
            f"Apt {rng.randint(1, 40)}" if rng.random() < 0.3 else "",
            town,
            words.STATE,
            postal,
            moved_in,
            None,
            today - timedelta(days=rng.randint(0, 120))
            if open_case and status != SupervisionStatus.ABSCONDED
            else None,
        )
        if rng.random() < 0.4:
            old_town, old_postal = rng.choice(words.TOWNS)
            self.addresses.add(
                offender_id,
                "residence",
                f"{rng.randint(100, 9899)} {rng.choice(pools['street'])}",
                "",
                old_town,
                words.STATE,
                old_postal,
                moved_in - timedelta(days=rng.randint(200, 2000)),
                moved_in - DAY,
                None,
            )
        employer = ""
        employed = rng.random() < (0.3 if status in (SupervisionStatus.ABSCONDED, SupervisionStatus.WARRANT) else 0.55)
        if employed:
            employer = rng.choice(pools["company"])
            hired = max(start, today - timedelta(days=900)) + timedelta(days=rng.randint(0, 200))
            hired = min(hired, today)
            self.employments.add(
                offender_id,
                employer,
                rng.choice(words.POSITIONS),
                f"{rng.choice(pools['first_female'])} {rng.choice(pools['last'])}",
                f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                f"{rng.randint(10, 990)} Industrial Parkway, {rng.choice(words.TOWNS)[0]}, {words.STATE}",
                hired,
                None,
                today - timedelta(days=rng.randint(0, 60)) if open_case else None,
            )
        if rng.random() < 0.35:
            left = start - timedelta(days=rng.randint(30, 400))
            self.employments.add(
                offender_id,
                rng.choice(pools["company"]),
                rng.choice(words.POSITIONS),
                "",
                "",
                "",
                left - timedelta(days=rng.randint(60, 900)),
                left,
                None,
            )
        for n in range(1 if rng.random() < 0.7 else 2):
            relationship = rng.choice(words.RELATIONSHIPS)
            family = relationship not in ("Friend", "Partner", "Spouse")
            contact_first = rng.choice(pools["first_female"] if n == 0 else pools["first_male"])
            self.contacts.add(
                offender_id,
                f"{contact_first} {last if family else rng.choice(pools['last'])}",
                relationship,
                f"555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
            )
        risk_level = {"high": "high" if rng.random() < 0.7 else "very_high", "medium": "moderate"}.get(level, "low")
        instrument = (
            ("oras" if rng.random() < 0.6 else "lsi_r") if not parole else ("lsi_r" if rng.random() < 0.5 else "compas")
        )
        low, high = SCORE_RANGES[instrument][risk_level]
        self.risks.add(
            offender_id,
            instrument,
            rng.randint(low, high),
            risk_level,
            min(start - timedelta(days=rng.randint(0, 30)), today),
            None,
            "Pre-sentence assessment." if not parole else "Pre-release assessment.",
        )
        reassessed = start + timedelta(days=180 + rng.randint(0, 30))
        if reassessed < today and rng.random() < 0.5:
            self.risks.add(offender_id, instrument, rng.randint(low, high), risk_level, reassessed, officer_id, "")
        return employer

    def _check_ins(
        self,
        rng,
        index,
        supervision_id,
        standard,
        status,
        start,
        end,
        first_day,
        closed_on,
        abscond_day,
        officer_id,
        unit_id,
        p_miss,
        violations,
        missed_recent,
        stats,
    ) -> None:
        today, now, tz = self.today, self.now, self.tz
        interval = standard.check_in_interval_days
        window = standard.window_days
        kind = standard.check_in_kind
        step = timedelta(days=interval)
        window_td = timedelta(days=window)
        if status == SupervisionStatus.ACTIVE:
            last_day = min(today + timedelta(days=60), end)
        elif status == SupervisionStatus.CLOSED:
            last_day = closed_on - window_td  # the last window closed by the day the case closed
        else:  # absconded or warrant: planned on until the status changed, then nothing
            last_day = min(abscond_day + 2 * step, today)
        skip = -(-(first_day - start).days // interval)
        day = start + skip * step
        # The last window that has closed: left "scheduled" now and then, as if the sweep had not run yet.
        closed_windows = (today - window_td - start).days // interval
        overdue_day = start + closed_windows * step if closed_windows >= skip else None
        if status != SupervisionStatus.ACTIVE or not (index in OVERDUE or rng.random() < 0.03):
            overdue_day = None
        location = self.unit_office.get(unit_id, "") if kind in ("office",) else ""
        add = self.check_ins.add
        new_id = self.check_ins.new_id
        combine = datetime.combine
        notes = words.CHECK_IN_NOTES
        recent = today - timedelta(days=30)
        while day <= last_day:
            window_start = combine(day, MIDNIGHT, tzinfo=tz)
            closes = day + window_td
            due_at = combine(closes, MIDNIGHT, tzinfo=tz)
            check_in_id = new_id()
            if due_at <= now and day != overdue_day:
                if abscond_day is not None and day >= abscond_day:
                    outcome = CheckInStatus.MISSED
                else:
                    r = rng.random()
                    outcome = (
                        CheckInStatus.MISSED
                        if r < p_miss
                        else CheckInStatus.EXCUSED
                        if r < p_miss + 0.03
                        else CheckInStatus.COMPLETED
                    )
                if outcome == CheckInStatus.COMPLETED:
                    done = window_start + timedelta(
                        days=rng.randrange(window), hours=rng.randint(8, 16), minutes=rng.choice((0, 10, 20, 30, 45))
                    )
                    note = rng.choice(notes) if rng.random() < 0.3 else ""
                    add(
                        check_in_id,
                        supervision_id,
                        kind,
                        "scheduled",
                        window_start,
                        due_at,
                        outcome,
                        done,
                        location,
                        note,
                        "",
                        officer_id,
                        window_start,
                        now,
                    )
                elif outcome == CheckInStatus.EXCUSED:
                    add(
                        check_in_id,
                        supervision_id,
                        kind,
                        "scheduled",
                        window_start,
                        due_at,
                        outcome,
                        None,
                        location,
                        "",
                        rng.choice(words.EXCUSE_REASONS),
                        officer_id,
                        window_start,
                        now,
                    )
                else:
                    flagged = due_at + timedelta(minutes=5)
                    add(
                        check_in_id,
                        supervision_id,
                        kind,
                        "scheduled",
                        window_start,
                        due_at,
                        outcome,
                        None,
                        location,
                        "",
                        "",
                        None,
                        window_start,
                        now,
                    )
                    stats["missed"] += 1
                    violations.append(
                        ViolationDraft(
                            occurred_on=closes,
                            kind=ViolationKind.TECHNICAL,
                            severity=ViolationSeverity.MEDIUM,
                            description=f"Missed check-in due {closes:%Y-%m-%d}",
                            check_in_id=check_in_id,
                            created_at=flagged,
                        )
                    )
                    if closes >= recent:
                        missed_recent.append((check_in_id, closes, flagged))
            elif window_start <= now and index not in DUE_TODAY and day != overdue_day and rng.random() < 0.4:
                done = window_start + timedelta(hours=rng.randint(8, 16))
                if done <= now:
                    add(
                        check_in_id,
                        supervision_id,
                        kind,
                        "scheduled",
                        window_start,
                        due_at,
                        CheckInStatus.COMPLETED,
                        done,
                        location,
                        "",
                        "",
                        officer_id,
                        window_start,
                        now,
                    )
                else:
                    add(
                        check_in_id,
                        supervision_id,
                        kind,
                        "scheduled",
                        window_start,
                        due_at,
                        CheckInStatus.SCHEDULED,
                        None,
                        "",
                        "",
                        "",
                        None,
                        window_start,
                        now,
                    )
            else:
                created = window_start if window_start < now else now
                add(
                    check_in_id,
                    supervision_id,
                    kind,
                    "scheduled",
                    window_start,
                    due_at,
                    CheckInStatus.SCHEDULED,
                    None,
                    "",
                    "",
                    "",
                    None,
                    created,
                    now,
                )
            day += step

    def _contacts(self, rng, supervision_id, status, level, first_day, activity_end, employer, officer_id) -> None:
        span = (activity_end - first_day).days
        if span <= 0:
            return
        if status == SupervisionStatus.INACTIVE:
            kinds = ["phone", "collateral"][: rng.randint(1, 2)]
        else:
            count = rng.randint(0, 3 if level in ("high", "medium") else 1)
            options = ["home_visit", "home_visit", "collateral", "phone"] + (["employer"] if employer else [])
            kinds = [rng.choice(options) for _ in range(count)]
        for kind in kinds:
            day = first_day + timedelta(days=rng.randrange(span))
            occurred = self._at(day, rng.randint(9, 19), rng.choice((0, 15, 30, 45)))
            location = employer if kind == "employer" else "Residence of record" if kind == "home_visit" else ""
            self.check_ins.add(
                self.check_ins.new_id(),
                supervision_id,
                kind,
                "unscheduled",
                occurred - timedelta(minutes=1),
                occurred,
                CheckInStatus.COMPLETED,
                occurred,
                location,
                rng.choice(words.CONTACT_NOTES[kind]) if kind in words.CONTACT_NOTES else "",
                "",
                officer_id,
                occurred,
                self.now,
            )

    def _drug_tests(
        self, rng, supervision_id, level, first_day, activity_end, officer_id, p_fail, script, violations, stats
    ) -> None:
        span = (activity_end - first_day).days
        days = []
        if span > 0:
            count = max(0, round(TESTS_PER_YEAR[level] * span / 365 + rng.random() - 0.5))
            days = sorted(first_day + timedelta(days=d) for d in rng.sample(range(span), min(count, span)))
        forced = None
        if script:  # an old enough failed test for the scripted report's whole lifecycle
            forced = self.today - timedelta(days=rng.randint(55, 75))
            days = sorted({*days, forced})
        add_result = self.substance_results.add
        for day in days:
            test_id = self.drug_tests.new_id()
            _p, specimen, panel, substances = _weighted(rng, PANELS)
            collected = self._at(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
            positives: list[str] = []
            if day == forced or rng.random() < p_fail:
                _p, result, note = _weighted(rng, FAIL_RESULTS) if day != forced else FAIL_RESULTS[0]
            else:
                result, note = DrugTestResult.NEGATIVE, ""
            if result == DrugTestResult.POSITIVE:
                positives = sorted(rng.sample(substances, 1 if len(substances) == 1 or rng.random() < 0.8 else 2))
            if result in (DrugTestResult.NEGATIVE, DrugTestResult.POSITIVE):
                for substance in substances:
                    if substance in positives:
                        add_result(test_id, substance, "positive", Decimal(rng.randint(60, 2400)))
                    else:
                        add_result(test_id, substance, "negative", None)
            lab = "not_requested"
            if result == DrugTestResult.POSITIVE:
                lab = (
                    "pending" if (self.today - day).days < 7 else "confirmed" if rng.random() < 0.7 else "not_requested"
                )
            reason = _weighted(rng, ((0.7, "random"), (0.9, "scheduled"), (1.0, "for_cause")))[1]
            self.drug_tests.add(
                test_id,
                supervision_id,
                reason,
                specimen,
                panel,
                collected,
                result,
                lab,
                words.LAB_NAME if lab != "not_requested" else "",
                note,
                officer_id,
                collected,
                self.now,
            )
            if result != DrugTestResult.NEGATIVE:
                stats["failed"] += 1
                label = DrugTestResult(result).label.lower()
                description = f"Drug test on {day:%Y-%m-%d}: {label}"
                if positives:
                    description += f" ({', '.join(positives)})"
                violations.append(
                    ViolationDraft(
                        occurred_on=day,
                        kind=ViolationKind.TECHNICAL,
                        severity=ViolationSeverity.MEDIUM,
                        description=description + ".",
                        drug_test_id=test_id,
                        recorded_by_id=officer_id,
                        created_at=collected + timedelta(hours=1),
                    )
                )

    def _condition(
        self, rng, code, condition_id, supervision_id, start, closed_on, activity_end, profile, stats, officer_id
    ) -> None:
        condition_type = self.condition_types[code]
        details = next(row[6] for row in words.CONDITION_CATALOGUE if row[0] == code)
        compliance = "compliant"
        hours_required = None
        hours_completed = Decimal(0)
        if code == "report-as-directed" and stats["missed"] >= 2:
            compliance = "non_compliant"
        elif code == "no-drugs" and stats["failed"]:
            compliance = "non_compliant" if stats["failed"] >= 2 else "in_progress"
        elif code in ("substance-treatment", "counselling"):
            compliance = "satisfied" if (self.today - start).days > 300 and rng.random() < 0.5 else "in_progress"
        elif code == "pay-fees":
            compliance = _weighted(rng, ((0.6, "compliant"), (0.85, "in_progress"), (1.0, "non_compliant")))[1]
        elif condition_type.tracks_hours:
            hours_required = Decimal(rng.choice((40, 60, 80, 100, 120, 200)))
            weeks = max((activity_end - start).days // 7, 0)
            entries = min(rng.randint(0, weeks // 6 + 1), 10)
            days = sorted(
                start + timedelta(days=rng.randint(0, max((activity_end - start).days, 0))) for _ in range(entries)
            )
            for day in days:
                if hours_completed >= hours_required:
                    break
                hours = Decimal(rng.choice((2, 4, 4, 6, 8)))
                hours_completed += hours
                self.service_entries.add(
                    condition_id, day, hours, rng.choice(words.SERVICE_SITES), officer_id, self._at(day, 18)
                )
            if hours_completed >= hours_required:
                compliance = "satisfied"
            elif profile[1] > 0.2 and (self.today - start).days > 300:
                compliance = "non_compliant"
            else:
                compliance = "in_progress"
        self.conditions.add(
            condition_id,
            supervision_id,
            condition_type.pk,
            details,
            compliance,
            hours_required,
            hours_completed,
            start,
            closed_on,
            self.now,
        )
