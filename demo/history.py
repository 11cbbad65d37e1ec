"""A demo case's year of history: conditions, check-ins, contacts, drug tests, violations, community
service, case notes and referrals."""

from datetime import date, timedelta
from decimal import Decimal

from demo import vocabulary as words
from demo.context import Case, DemoContext, ViolationDraft, pick
from demo.reports import IN_REVIEW, REVIEW_LEAD_DAYS
from supervision.choices import CheckInStatus, DrugTestResult, SupervisionStatus, ViolationKind, ViolationSeverity

DAY = timedelta(days=1)
COMPLETION_MINUTES = (0, 10, 20, 30, 45)
HORIZON_DAYS = 60  # as far ahead as the scheduler plans (settings.CASELINE["CHECK_IN_HORIZON_DAYS"])
RECENT_MISSES_DAYS = 30  # missed check-ins of the last days get an officer's notification
TESTS_PER_YEAR = {"high": 6, "medium": 3, "low": 1, "administrative": 0}
NOTES_BY_LEVEL = {"high": 2, "medium": 1, "low": 0, "administrative": 0}
# (specimen, panel, substances tested)
PANELS = (
    (0.85, ("urine", "5-panel urine cup", ("amphetamines", "cocaine", "opiates", "pcp", "thc"))),
    (
        0.95,
        (
            "oral_fluid",
            "6-panel oral fluid",
            ("amphetamines", "benzodiazepines", "cocaine", "methamphetamine", "opiates", "thc"),
        ),
    ),
    (1.0, ("breath", "Breath alcohol", ("alcohol",))),
)
FAIL_RESULTS = (  # among failed tests: (result, note)
    (0.70, (DrugTestResult.POSITIVE, "")),
    (0.85, (DrugTestResult.DILUTE, "Creatinine below 20 mg/dL.")),
    (0.93, (DrugTestResult.REFUSED, "Refused to provide a specimen.")),
    (0.98, (DrugTestResult.NO_SHOW, "Did not come in for the random test called that morning.")),
    (1.0, (DrugTestResult.ADULTERATED, "Specimen temperature out of range; adulterant suspected.")),
)
TEST_REASONS = ((0.7, "random"), (0.9, "scheduled"), (1.0, "for_cause"))
REFERRAL_OUTCOMES = ((0.4, "enrolled"), (0.7, "completed"), (0.85, "discontinued"), (1.0, "declined"))
FEE_COMPLIANCE = ((0.6, "compliant"), (0.85, "in_progress"), (1.0, "non_compliant"))
CONDITION_DETAILS = {row[0]: row[6] for row in words.CONDITION_CATALOGUE}
SPECIALS = {
    supervision_type: [
        row[0] for row in words.CONDITION_CATALOGUE if row[3] == "special" and row[4] in ("both", supervision_type)
    ]
    for supervision_type in ("parole", "probation")
}


def conditions_choose(context: DemoContext, case: Case) -> None:
    """The case's conditions (their ids now: violations point at them; their rows come last)."""
    rng = case.rng
    codes = ["report-as-directed", "obey-all-laws"]
    if case.script or rng.random() < 0.85:
        codes.append("no-drugs")
    if case.parole or rng.random() < 0.4:
        codes.append("no-weapons")
    if rng.random() < 0.35:
        codes.append("keep-employment")
    if rng.random() < (0.2 if case.parole else 0.7):
        codes.append("pay-fees")
    if rng.random() < 0.3:
        codes.append("travel-restriction")
    codes += rng.sample(SPECIALS[case.supervision_type], rng.randint(1, 2))
    new_id = context.tables.conditions.new_id
    case.condition_ids = {code: new_id() for code in codes if code in context.agency.conditions}


def check_ins_rows(context: DemoContext, case: Case, *, due_today: bool, overdue: bool) -> None:
    """Scheduled check-ins on the contact standard's grid from the start of the supervision (as
    ``check_ins_schedule`` plans them): the past year's completed, missed (each with its violation, as
    the sweep opens it) or excused; the open ones; and the next ``HORIZON_DAYS`` days'."""
    standard = case.standard
    if standard is None or case.status == SupervisionStatus.INACTIVE:
        return  # inactive probation reports to nobody
    rng, today, now = case.rng, context.today, context.now
    interval, window, kind = standard.check_in_interval_days, standard.window_days, standard.check_in_kind
    step, window_days = timedelta(days=interval), timedelta(days=window)
    start, status = case.start, case.status
    if status == SupervisionStatus.ACTIVE:
        last_day = min(today + timedelta(days=HORIZON_DAYS), case.end)
    elif status == SupervisionStatus.CLOSED:
        assert case.closed_on is not None  # a closed case has its closing day (demo.cases)
        last_day = case.closed_on - window_days  # the last window closed by the day the case closed
    else:  # absconded or warrant: planned on until the status changed, then nothing
        assert case.abscond_day is not None  # an absconded case has its day (demo.cases)
        last_day = min(case.abscond_day + 2 * step, today)
    skip = -(-(case.first_day - start).days // interval)
    # The last window that has closed: now and then left "scheduled", as if the sweep had not run yet.
    closed_windows = (today - window_days - start).days // interval
    overdue_day = None
    if status == SupervisionStatus.ACTIVE and closed_windows >= skip and (overdue or rng.random() < 0.03):
        overdue_day = start + closed_windows * step
    office = context.unit_office.get(case.unit_id, "") if kind == "office" else ""
    # The hot loop of the whole seed (most rows are check-ins): plain random() arithmetic instead of
    # randint/choice, and row tuples appended directly.
    table = context.tables.check_ins
    append, new_id, random_ = table.rows.append, table.new_id, rng.random
    supervision_id, officer_id, p_miss, abscond_day = (
        case.supervision_id,
        case.officer_id,
        case.p_miss,
        case.abscond_day,
    )
    recent = today - timedelta(days=RECENT_MISSES_DAYS)
    midnight, moment, now_text = context.midnight, context.moment, context.now_text
    day_offsets = [timedelta(days=d) for d in range(window)]
    notes, excuses = words.CHECK_IN_NOTES, words.EXCUSE_REASONS
    day = start + skip * step
    while day <= last_day:
        check_in_id = new_id()
        window_start, window_start_text = midnight[day]
        closes = day + window_days
        due_at, due_at_text = midnight[closes]
        outcome, done_text, location, note, excuse, recorded_by = CheckInStatus.SCHEDULED, None, "", "", "", None
        if due_at <= now and day != overdue_day:  # the window has closed
            r = random_()
            if (abscond_day is not None and day >= abscond_day) or r < p_miss:
                outcome, location = CheckInStatus.MISSED, office
            elif r < p_miss + 0.03:
                outcome, location, recorded_by = CheckInStatus.EXCUSED, office, officer_id
                excuse = excuses[int(random_() * len(excuses))]
            else:
                outcome, location, recorded_by = CheckInStatus.COMPLETED, office, officer_id
                done_day = day + day_offsets[int(random_() * window)]
                done_text = moment[done_day, 8 + int(random_() * 9), COMPLETION_MINUTES[int(random_() * 5)]][1]
                note = notes[int(random_() * len(notes))] if random_() < 0.3 else ""
        elif window_start <= now and not due_today and day != overdue_day and random_() < 0.4:
            done, text = moment[day, 8 + int(random_() * 9), 0]  # open now, and done already today
            if done <= now:
                outcome, location, recorded_by, done_text = CheckInStatus.COMPLETED, office, officer_id, text
        created_text = window_start_text if window_start < now else now_text
        row = (check_in_id, supervision_id, kind, "scheduled", window_start_text, due_at_text, outcome, done_text)
        append((*row, location, note, excuse, recorded_by, created_text, now_text))
        if outcome == CheckInStatus.MISSED:
            flagged = due_at + timedelta(minutes=5)
            case.missed += 1
            case.violations.append(
                ViolationDraft(
                    occurred_on=closes,
                    kind=ViolationKind.TECHNICAL,
                    severity=ViolationSeverity.MEDIUM,
                    description=f"Missed check-in due {closes:%Y-%m-%d}",  # as the sweep words it
                    check_in_id=check_in_id,
                    created_at=flagged,
                )
            )
            if closes >= recent:
                case.missed_recent.append((check_in_id, closes, flagged))
        day += step
    if standard.home_visit_interval_days:
        _home_visits_rows(context, case, min(last_day, abscond_day) if abscond_day else last_day)


def _home_visits_rows(context: DemoContext, case: Case, last_day: date) -> None:
    """The standard's home visits on their own grid (start + every interval, as ``check_ins_schedule`` plans
    them): the ones whose window has closed made by the officer, the others still scheduled."""
    standard = case.standard
    assert standard is not None and standard.home_visit_interval_days  # checked by the caller
    every = timedelta(days=standard.home_visit_interval_days)
    window = timedelta(days=min(standard.window_days, standard.home_visit_interval_days))
    table, midnight, now = context.tables.check_ins, context.midnight, context.now
    day = case.start + every * max(1, -(-(case.first_day - case.start).days // every.days))
    while day <= last_day:
        window_start, window_start_text = midnight[day]
        due_at, due_at_text = midnight[day + window]
        outcome, done_text, location, recorded_by = CheckInStatus.SCHEDULED, None, "", None
        if due_at <= now:
            outcome, location, recorded_by = CheckInStatus.COMPLETED, "Residence of record", case.officer_id
            done_text = context.moment[day, 10, 0][1]
        created_text = window_start_text if window_start < now else context.now_text
        row = (table.new_id(), case.supervision_id, "home_visit", "scheduled", window_start_text, due_at_text, outcome)
        table.rows.append((*row, done_text, location, "", "", recorded_by, created_text, context.now_text))
        day += every


def contacts_rows(context: DemoContext, case: Case) -> None:
    """A few unscheduled contacts: home visits, employer and collateral contacts, phone checks."""
    rng = case.rng
    span = (case.activity_end - case.first_day).days
    if span <= 0:
        return
    if case.status == SupervisionStatus.INACTIVE:
        kinds = ["phone", "collateral"][: rng.randint(1, 2)]
    else:
        count = rng.randint(0, 3 if case.level in ("high", "medium") else 1)
        options = ["home_visit", "home_visit", "collateral", "phone"] + (["employer"] if case.employer else [])
        kinds = [rng.choice(options) for _ in range(count)]
    for kind in kinds:
        occurred = context.at(
            case.first_day + timedelta(days=rng.randrange(span)), rng.randint(9, 19), rng.choice((0, 15, 30, 45))
        )
        location = case.employer if kind == "employer" else "Residence of record" if kind == "home_visit" else ""
        context.tables.check_ins.add(
            context.tables.check_ins.new_id(),
            case.supervision_id,
            kind,
            "unscheduled",
            occurred - timedelta(minutes=1),
            occurred,
            CheckInStatus.COMPLETED,
            occurred,
            location,
            rng.choice(words.CONTACT_NOTES[kind]),
            "",
            case.officer_id,
            occurred,
            context.now,
        )


def drug_tests_rows(context: DemoContext, case: Case) -> None:
    """Drug tests with their per-substance results; a non-compliant result opens a violation (as
    ``drug_test_record`` does). A scripted case gets an old enough positive test for its report."""
    if "no-drugs" not in case.condition_ids or case.status == SupervisionStatus.INACTIVE:
        return
    rng, tables, today = case.rng, context.tables, context.today
    span = (case.activity_end - case.first_day).days
    days = []
    if span > 0:
        count = max(0, round(TESTS_PER_YEAR[case.level] * span / 365 + rng.random() - 0.5))
        days = sorted(case.first_day + timedelta(days=d) for d in rng.sample(range(span), min(count, span)))
    forced = None
    if case.script:
        # Old enough for a report that went all the way to a hearing; a report still in the agency's hands
        # starts from a test a week or so ago (long enough for its review, as REVIEW_LEAD_DAYS says).
        in_review = case.script[2] in IN_REVIEW
        forced = today - timedelta(days=rng.randint(*REVIEW_LEAD_DAYS) if in_review else rng.randint(55, 75))
        days = sorted({*days, forced})
    add_result = tables.substance_results.add
    for day in days:
        test_id = tables.drug_tests.new_id()
        specimen, panel, substances = pick(rng, PANELS)
        collected = context.at(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        if day == forced:
            result, note = FAIL_RESULTS[0][1]
        elif rng.random() < case.p_fail:
            result, note = pick(rng, FAIL_RESULTS)
        else:
            result, note = DrugTestResult.NEGATIVE, ""
        positives: list[str] = []
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
            lab = "pending" if (today - day).days < 7 else "confirmed" if rng.random() < 0.7 else "not_requested"
        tables.drug_tests.add(
            test_id,
            case.supervision_id,
            pick(rng, TEST_REASONS),
            specimen,
            panel,
            collected,
            result,
            lab,
            words.LAB_NAME if lab != "not_requested" else "",
            note,
            case.officer_id,
            collected,
            context.now,
        )
        if result != DrugTestResult.NEGATIVE:
            case.failed += 1
            description = f"Drug test on {day:%Y-%m-%d}: {DrugTestResult(result).label.lower()}"
            if positives:
                description += f" ({', '.join(positives)})"
            case.violations.append(
                ViolationDraft(
                    occurred_on=day,
                    kind=ViolationKind.TECHNICAL,
                    severity=ViolationSeverity.MEDIUM,
                    description=description + ".",
                    drug_test_id=test_id,
                    recorded_by_id=case.officer_id,
                    created_at=collected + timedelta(hours=1),
                )
            )


def other_violations(context: DemoContext, case: Case) -> None:
    """Absconding (absconded and warrant cases), now and then a new offence or a broken special condition."""
    rng, first_day, activity_end = case.rng, case.first_day, case.activity_end
    conditions = case.condition_ids
    if case.abscond_day is not None:
        interval = case.standard.check_in_interval_days if case.standard else 14
        day = min(case.abscond_day + timedelta(days=interval), context.today)
        case.violations.append(
            ViolationDraft(
                occurred_on=day,
                kind=ViolationKind.ABSCONDING,
                severity=ViolationSeverity.HIGH,
                description=f"Whereabouts unknown since {case.abscond_day:%Y-%m-%d}: not at the residence of "
                "record and not answering the phone.",
                condition_id=conditions.get("report-as-directed"),
                recorded_by_id=case.officer_id,
                created_at=context.at(day, 15),
            )
        )
    if activity_end > first_day and rng.random() < 0.03:
        day = first_day + timedelta(days=rng.randrange((activity_end - first_day).days))
        case.violations.append(
            ViolationDraft(
                occurred_on=day,
                kind=ViolationKind.NEW_OFFENCE,
                severity=ViolationSeverity.HIGH,
                description=f"Arrested on {day:%Y-%m-%d} for {rng.choice(words.NEW_OFFENCES)}; charges pending.",
                condition_id=conditions.get("obey-all-laws"),
                recorded_by_id=case.officer_id,
                created_at=context.at(day + DAY, 11),
            )
        )
    broken = [code for code in ("curfew", "no-contact", "travel-restriction") if code in conditions]
    if broken and activity_end > first_day and rng.random() < 0.06:
        code = rng.choice(broken)
        day = first_day + timedelta(days=rng.randrange((activity_end - first_day).days))
        description = {
            "curfew": "Not at home during a curfew check at 11:40 p.m.",
            "no-contact": f"The victim reported text messages from {case.first_name}.",
            "travel-restriction": "Left the state without a travel permit.",
        }[code]
        case.violations.append(
            ViolationDraft(
                occurred_on=day,
                kind=ViolationKind.TECHNICAL,
                severity=ViolationSeverity.LOW if code == "curfew" else ViolationSeverity.MEDIUM,
                description=description,
                condition_id=conditions[code],
                recorded_by_id=case.officer_id,
                created_at=context.at(day, 16),
            )
        )


def conditions_rows(context: DemoContext, case: Case) -> None:
    """The conditions with their compliance (from the history written), and community service hours."""
    rng, tables, today, start = case.rng, context.tables, context.today, case.start
    for code, condition_id in case.condition_ids.items():
        condition_type = context.agency.conditions[code]
        compliance, hours_required, hours_completed = "compliant", None, Decimal(0)
        if code == "report-as-directed" and case.missed >= 2:
            compliance = "non_compliant"
        elif code == "no-drugs" and case.failed:
            compliance = "non_compliant" if case.failed >= 2 else "in_progress"
        elif code in ("substance-treatment", "counselling"):
            compliance = "satisfied" if (today - start).days > 300 and rng.random() < 0.5 else "in_progress"
        elif code == "pay-fees":
            compliance = pick(rng, FEE_COMPLIANCE)
        elif condition_type.tracks_hours:
            hours_required = Decimal(rng.choice((40, 60, 80, 100, 120, 200)))
            worked_days = max((case.activity_end - start).days, 0)
            entries = min(rng.randint(0, worked_days // 42 + 1), 10)
            for day in sorted(start + timedelta(days=rng.randint(0, worked_days)) for _ in range(entries)):
                if hours_completed >= hours_required:
                    break
                hours = Decimal(rng.choice((2, 4, 4, 6, 8)))
                hours_completed += hours
                tables.service_entries.add(
                    condition_id, day, hours, rng.choice(words.SERVICE_SITES), case.officer_id, context.at(day, 18)
                )
            if hours_completed >= hours_required:
                compliance = "satisfied"
            elif case.p_miss > 0.2 and (today - start).days > 300:
                compliance = "non_compliant"
            else:
                compliance = "in_progress"
        tables.conditions.add(
            condition_id,
            case.supervision_id,
            condition_type.pk,
            CONDITION_DETAILS.get(code, ""),
            compliance,
            hours_required,
            hours_completed,
            start,
            case.closed_on,
            context.now,
        )


def notes_and_referrals_rows(context: DemoContext, case: Case) -> None:
    rng, tables, today, now = case.rng, context.tables, context.today, context.now
    span = max((case.activity_end - case.first_day).days, 1)
    for _ in range(rng.randint(1, 2) + NOTES_BY_LEVEL[case.level]):
        at = context.at(
            case.first_day + timedelta(days=rng.randrange(span)), rng.randint(9, 17), rng.choice((0, 15, 30, 45))
        )
        body = rng.choice(words.CASE_NOTES).format(first=case.first_name, employer=case.employer or "a warehouse")
        tables.case_notes.add(case.supervision_id, case.officer_id, body, rng.random() < 0.01, at, now)
    kinds = []
    if "substance-treatment" in case.condition_ids:
        kinds.append("drug_rehabilitation")
    if "counselling" in case.condition_ids:
        kinds.append("counselling")
    if not case.employer and rng.random() < 0.3:
        kinds.append("job_training")
    if rng.random() < 0.05:
        kinds.append("housing")
    for kind in kinds:
        referred_on = case.first_day + timedelta(days=rng.randint(0, min(60, span)))
        elapsed = (today - referred_on).days
        young = ((0.6, "referred"), (1.0, "enrolled"))
        status = pick(rng, young if elapsed < 30 else REFERRAL_OUTCOMES)
        changed_on = referred_on
        if status != "referred":
            changed_on += timedelta(days=rng.randint(0, min(elapsed, 90)))
        tables.referrals.add(
            case.supervision_id,
            kind,
            rng.choice(words.PROVIDERS[kind]),
            status,
            referred_on,
            changed_on,
            "",
            case.officer_id,
            now,
        )
