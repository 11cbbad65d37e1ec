"""How fast the supervisor's dashboard renders for a large unit in a large agency.

Builds a throwaway PostgreSQL database: an agency of ``--agency-cases`` cases (default 100,000) in
units of about ``--unit-cases`` cases (default 2,000) with 20 officers each; every case has a year of
history (fortnightly check-ins, about 6 % missed, the next four scheduled, a few overdue; monthly drug
tests, about 8 % positive; three violations, one still open; a submitted report for one case in
twenty) and a mix of statuses (inactive, warrant, absconded, closed) and end dates. Offenders and
cases are bulk-inserted with the ORM, the history with set-based INSERT … SELECT. Then the unit
supervisor's dashboard is rendered 20 times with Django's test client.

    .venv/bin/python bench/dashboard.py --agency-cases 100000 --unit-cases 2000

The database named in DATABASE_URL is DROPPED and created again: its name must start with
caseline_bench (the default is caseline_bench_dashboard). The last line is machine-readable:
``median_ms=… queries=…`` (the unit dashboard, unfiltered).
"""

import argparse
import os
import time
from datetime import date, timedelta

from _common import measure, recreate_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseline_bench_dashboard"
OFFICERS_PER_UNIT = 20


def _status(i: int, supervision_type: str) -> tuple[str, date | None, str]:
    from django.utils import timezone

    roll = i % 100
    if roll < 4:
        return "closed", timezone.localdate() - timedelta(days=i % 300 + 1), "completed"
    if roll < 7:
        return "warrant", None, ""
    if roll < 10:
        return "absconded", None, ""
    if roll < 20 and supervision_type == "probation":
        return "inactive", None, ""
    return "active", None, ""


def _build(*, agency_cases: int, unit_cases: int) -> int:
    """Bulk-insert the agency; returns the measured unit's supervisor id."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import connection
    from django.utils import timezone

    from agency.choices import Role
    from agency.models import Court, ParoleBoard, Unit, User
    from offenders.models import Offender
    from supervision.models import CheckIn, DrugTest, Supervision, Violation, ViolationReport

    today = timezone.localdate()
    units_needed = max(1, -(-agency_cases // unit_cases))
    units = Unit.objects.bulk_create(
        Unit(code=f"bench-{u}", name=f"Bench Unit {u}", office=f"{u} Main Street") for u in range(units_needed)
    )
    court = Court.objects.create(name="Bench County Court", jurisdiction="Bench County")
    board = ParoleBoard.objects.create(name="Bench Parole Board", jurisdiction="Bench State")
    officers = User.objects.bulk_create(
        User(
            username=f"bench-officer-{u}-{k}",
            password=UNUSABLE_PASSWORD_PREFIX,
            role=Role.OFFICER,
            unit=unit,
            first_name="Officer",
            last_name=f"{u}-{k}",
        )
        for u, unit in enumerate(units)
        for k in range(OFFICERS_PER_UNIT)
    )
    supervisor = User.objects.create_user(
        "bench-supervisor", password=None, role=Role.SUPERVISOR, unit=units[0], first_name="Sam", last_name="Boss"
    )
    units[0].supervisor = supervisor
    units[0].save(update_fields=["supervisor"])

    first_names = ["Alicia", "Brandon", "Carla", "Derek", "Erin", "Felix", "Gina", "Hector", "Ivy", "Jamal"]
    last_names = ["Thompson", "Lee", "Nguyen", "Walsh", "Okafor", "Garcia", "Smith", "Patel", "Kim", "Reyes"]
    chunk = 10_000
    for start in range(0, agency_cases, chunk):
        stop = min(agency_cases, start + chunk)
        offenders = Offender.objects.bulk_create(
            (
                Offender(
                    first_name=first_names[i % 10],
                    last_name=f"{last_names[(i // 10) % 10]}{i}",
                    date_of_birth=date(1960, 1, 1) + timedelta(days=(i * 37) % 16000),
                    state_id=f"B{i:08d}",
                )
                for i in range(start, stop)
            ),
            batch_size=5000,
        )
        rows = []
        for i, offender in zip(range(start, stop), offenders, strict=True):
            unit_index = i // unit_cases
            officer = officers[unit_index * OFFICERS_PER_UNIT + i % OFFICERS_PER_UNIT]
            supervision_type = "parole" if i % 3 == 0 else "probation"
            status, closed_on, reason = _status(i, supervision_type)
            rows.append(
                Supervision(
                    offender=offender,
                    supervision_type=supervision_type,
                    court=None if supervision_type == "parole" else court,
                    parole_board=board if supervision_type == "parole" else None,
                    docket_number=f"CR-B-{i:07d}",
                    offense="Theft",
                    start_date=today - timedelta(days=400),
                    end_date=today + timedelta(days=(i * 7) % 720 - 20),
                    status=status,
                    closed_on=closed_on,
                    closure_reason=reason,
                    level=("high", "medium", "low", "administrative")[i % 4],
                    officer=officer,
                    unit=units[unit_index],
                )
            )
        Supervision.objects.bulk_create(rows, batch_size=5000)

    checkin, test, violation = CheckIn._meta.db_table, DrugTest._meta.db_table, Violation._meta.db_table
    supervision = Supervision._meta.db_table
    with connection.cursor() as cursor:
        # A year of fortnightly check-ins, about 6 % missed.
        cursor.execute(f"""
            INSERT INTO {checkin} (supervision_id, kind, origin, window_start, due_at, status, completed_at,
                                   location, notes, excuse_reason, recorded_by_id, created_at, updated_at)
            SELECT s.id, 'office', 'scheduled', w.start, w.start + interval '3 days',
                   CASE WHEN w.missed THEN 'missed' ELSE 'completed' END,
                   CASE WHEN w.missed THEN NULL ELSE w.start + interval '26 hours' END,
                   '', '', '', s.officer_id, now(), now()
              FROM {supervision} s
              CROSS JOIN LATERAL (
                  SELECT now() - make_interval(days => 368 - 14 * k) AS start, random() < 0.06 AS missed
                    FROM generate_series(0, 25) AS k
              ) AS w
        """)  # noqa: S608 (table names from the models, no input)
        # The next four, still scheduled; about 3 % of open cases have one overdue.
        cursor.execute(f"""
            INSERT INTO {checkin} (supervision_id, kind, origin, window_start, due_at, status, completed_at,
                                   location, notes, excuse_reason, recorded_by_id, created_at, updated_at)
            SELECT s.id, 'office', 'scheduled', w.start, w.start + interval '3 days', 'scheduled', NULL,
                   '', '', '', s.officer_id, now(), now()
              FROM {supervision} s
              CROSS JOIN LATERAL (
                  SELECT now() + make_interval(days => 14 * k - (s.id % 5)::int) AS start
                    FROM generate_series(0, 3) AS k
                  UNION ALL
                  SELECT now() - interval '5 days' WHERE s.id % 33 = 0
              ) AS w
             WHERE s.status <> 'closed'
        """)  # noqa: S608
        # Monthly drug tests, about 8 % positive.
        cursor.execute(f"""
            INSERT INTO {test} (supervision_id, reason, specimen, panel, collected_at, result, lab_confirmation,
                                lab_name, notes, recorded_by_id, created_at, updated_at)
            SELECT s.id, 'random', 'urine', '10-panel', now() - make_interval(days => 30 * k + 3),
                   CASE WHEN random() < 0.08 THEN 'positive' ELSE 'negative' END, 'not_requested',
                   '', '', s.officer_id, now(), now()
              FROM {supervision} s CROSS JOIN generate_series(0, 11) AS k
        """)  # noqa: S608
        # Three violations per case, the latest still open.
        cursor.execute(f"""
            INSERT INTO {violation} (supervision_id, kind, severity, status, occurred_on, description, check_in_id,
                                     drug_test_id, condition_id, response, recorded_by_id, created_at, updated_at)
            SELECT s.id, (ARRAY['technical', 'technical', 'new_offence', 'absconding'])[1 + (s.id + k) % 4],
                   'medium', CASE WHEN k = 0 THEN 'open' ELSE 'resolved' END,
                   current_date - (60 * k + 5), 'Failed to report as directed.', NULL, NULL, NULL, '',
                   s.officer_id, now(), now()
              FROM {supervision} s CROSS JOIN generate_series(0, 2) AS k
        """)  # noqa: S608
    now = timezone.now()
    cases = Supervision.objects.filter(status="active").order_by("pk").only("pk", "officer_id")
    reports = ViolationReport.objects.bulk_create(
        (
            ViolationReport(
                supervision_id=s.pk,
                narrative="Missed reporting twice.",
                recommendation="continue",
                author_id=s.officer_id,
                status="submitted",
                submitted_at=now - timedelta(days=s.pk % 9),
            )
            for s in cases.iterator()
            if s.pk % 20 == 0
        ),
        batch_size=5000,
    )
    open_violation = dict(Violation.objects.filter(status="open").values_list("supervision_id", "pk"))
    through = ViolationReport.violations.through
    through.objects.bulk_create(
        (through(violationreport_id=r.pk, violation_id=open_violation[r.supervision_id]) for r in reports),
        batch_size=5000,
    )
    # A few reassignments through the service, so that the assignment history has rows.
    from supervision import services

    measured = Supervision.objects.filter(unit=units[0], status="active").order_by("pk")[:10]
    services.supervision_reassign(
        actor=supervisor, supervisions=list(measured), officer=officers[1], reason="Caseload balance"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return supervisor.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agency-cases", type=int, default=100_000)
    parser.add_argument("--unit-cases", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if "caseline_bench" not in url:
        url = DEFAULT_URL
    recreate_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    supervisor_id = _build(agency_cases=args.agency_cases, unit_cases=args.unit_cases)

    from agency.models import User
    from supervision.models import CheckIn, DrugTest, Supervision, Violation

    supervisor = User.objects.get(pk=supervisor_id)
    print(
        f"built in {time.perf_counter() - started:.1f} s: {Supervision.objects.count():,} cases, "
        f"{CheckIn.objects.count():,} check-ins, {DrugTest.objects.count():,} drug tests, "
        f"{Violation.objects.count():,} violations; "
        f"the measured unit has {Supervision.objects.filter(unit_id=supervisor.unit_id).count():,} cases"
    )
    client = Client()
    client.force_login(supervisor)
    officer = User.objects.filter(unit_id=supervisor.unit_id, role="officer").order_by("pk").first()
    others = [
        ("officer drill-down", f"/dashboard/officers/{officer.pk}/"),
        ("filtered (probation, high)", "/dashboard/?supervision_type=probation&level=high"),
        ("cases behind 'overdue'", "/dashboard/cases/?figure=overdue"),
        ("review queue", "/dashboard/reviews/"),
    ]
    for label, path in others:
        ms, queries = measure(client, path, args.runs)
        print(f"{label:28} median {ms:7.1f} ms over {args.runs} renders, {queries} queries")
    median_ms, queries = measure(client, "/dashboard/", args.runs)
    print(f"{'unit dashboard':28} median {median_ms:7.1f} ms over {args.runs} renders, {queries} queries")
    print(f"median_ms={median_ms:.1f} queries={queries}")


if __name__ == "__main__":
    main()
