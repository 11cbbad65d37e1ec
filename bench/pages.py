"""How fast the officer's two main pages render for a full caseload.

Builds a throwaway PostgreSQL database with an officer who has 150 cases and a year of history on
each (check-ins every two weeks, monthly drug tests with ten substance results, weekly notes,
referrals, community service, violations and reports), plus colleagues with the same load so that
scoping has work to do. Then renders My caseload and one case page 20 times each with Django's
test client and prints the median time and the number of queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caseline_bench_pages .venv/bin/python bench/pages.py

The database named in DATABASE_URL is DROPPED and created again: point it at a throwaway name
(the default is caseline_bench_pages). The last line is machine-readable:
``caseload_ms=… case_ms=… caseload_queries=… case_queries=…``.
"""

import argparse
import os
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from _common import measure, recreate_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/caseline_bench_pages"


def _build(*, officers: int, cases_per_officer: int, seed: int) -> tuple[int, int]:
    """Bulk-insert the data; returns (the measured officer's id, one of their case ids)."""
    from django.utils import timezone

    from agency.choices import Role
    from agency.models import Court, ParoleBoard, Unit, User
    from offenders.models import Address, Employment, Offender
    from supervision.choices import CheckInStatus
    from supervision.models import (
        CaseNote,
        CheckIn,
        CommunityServiceEntry,
        Condition,
        ConditionType,
        DrugTest,
        DrugTestSubstanceResult,
        Referral,
        Supervision,
        Violation,
        ViolationReport,
    )

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    unit = Unit.objects.create(code="bench", name="Bench Unit", office="1 Main Street")
    court = Court.objects.create(name="Bench County Court", jurisdiction="Bench County")
    board = ParoleBoard.objects.create(name="Bench Parole Board", jurisdiction="Bench State")
    staff = [
        User.objects.create_user(
            f"bench-officer-{i}", password=None, role=Role.OFFICER, unit=unit, first_name="Officer", last_name=str(i)
        )
        for i in range(officers)
    ]
    report_as_directed = ConditionType.objects.create(code="report", name="Report as directed", category="standard")
    service = ConditionType.objects.create(
        code="service", name="Community service", category="special", tracks_hours=True
    )
    first_names = ["Alicia", "Brandon", "Carla", "Derek", "Erin", "Felix", "Gina", "Hector", "Ivy", "Jamal"]
    last_names = ["Thompson", "Lee", "Nguyen", "Walsh", "Okafor", "Garcia", "Smith", "Patel", "Kim", "Reyes"]

    total = officers * cases_per_officer
    offenders = Offender.objects.bulk_create(
        Offender(
            first_name=rng.choice(first_names),
            last_name=f"{rng.choice(last_names)}{i}",
            date_of_birth=date(1960, 1, 1) + timedelta(days=rng.randrange(16000)),
            state_id=f"B{i:08d}",
        )
        for i in range(total)
    )
    Address.objects.bulk_create(
        Address(
            offender=o,
            line1=f"{i} Elm Street",
            city="Columbus",
            state="OH",
            postal_code="43004",
            start_date=today - timedelta(days=400),
        )
        for i, o in enumerate(offenders)
    )
    Employment.objects.bulk_create(
        Employment(offender=o, employer_name="Acme Logistics", start_date=today - timedelta(days=300))
        for o in offenders[::2]
    )
    supervisions = Supervision.objects.bulk_create(
        Supervision(
            offender=offender,
            supervision_type="probation" if i % 3 else "parole",
            court=court if i % 3 else None,
            parole_board=None if i % 3 else board,
            docket_number=f"CR-B-{i:06d}",
            offense="Theft",
            start_date=today - timedelta(days=370),
            end_date=today + timedelta(days=700),
            level=("high", "medium", "low")[i % 3],
            officer=staff[i // cases_per_officer],
            unit=unit,
        )
        for i, offender in enumerate(offenders)
    )
    conditions = Condition.objects.bulk_create(
        [Condition(supervision=s, condition_type=report_as_directed, imposed_on=s.start_date) for s in supervisions]
        + [
            Condition(supervision=s, condition_type=service, imposed_on=s.start_date, hours_required=Decimal("80"))
            for s in supervisions[::3]
        ]
    )
    hours_conditions = [c for c in conditions if c.condition_type_id == service.pk]

    check_ins, tests, notes, referrals, entries = [], [], [], [], []
    for s in supervisions:
        officer = s.officer
        for k in range(26):  # a year of fortnightly check-ins
            start = now - timedelta(days=365 - 14 * k)
            missed = rng.random() < 0.06
            check_ins.append(
                CheckIn(
                    supervision=s,
                    kind="office",
                    window_start=start,
                    due_at=start + timedelta(days=3),
                    status=CheckInStatus.MISSED if missed else CheckInStatus.COMPLETED,
                    completed_at=None if missed else start + timedelta(days=1, hours=2),
                    recorded_by=officer,
                )
            )
        for k in range(4):  # the weeks ahead
            start = now + timedelta(days=14 * k - rng.randrange(3))
            check_ins.append(
                CheckIn(supervision=s, kind="office", window_start=start, due_at=start + timedelta(days=3))
            )
        for k in range(12):
            tests.append(
                DrugTest(
                    supervision=s,
                    collected_at=now - timedelta(days=30 * k + 3),
                    result="positive" if rng.random() < 0.08 else "negative",
                    recorded_by=officer,
                )
            )
        for k in range(52):
            notes.append(
                CaseNote(
                    supervision=s,
                    author=officer,
                    body="Weekly contact: no concerns.",
                    created_at=now - timedelta(days=7 * k + 1),
                )
            )
        for k in range(2):
            day = today - timedelta(days=120 * k + 10)
            referrals.append(
                Referral(
                    supervision=s,
                    kind="job_training",
                    provider="Columbus Works",
                    referred_on=day,
                    status_changed_on=day,
                    referred_by=officer,
                )
            )
    for c in hours_conditions:
        for k in range(20):
            entries.append(
                CommunityServiceEntry(
                    condition=c,
                    performed_on=today - timedelta(days=15 * k + 2),
                    hours=Decimal("2"),
                    organisation="Food bank",
                    recorded_by=c.supervision.officer,
                )
            )
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    tests = DrugTest.objects.bulk_create(tests, batch_size=5000)
    DrugTestSubstanceResult.objects.bulk_create(
        (
            DrugTestSubstanceResult(
                drug_test=t, substance=sub, result="positive" if t.result == "positive" and sub == "thc" else "negative"
            )
            for t in tests
            for sub in (
                "amphetamines",
                "methamphetamine",
                "cocaine",
                "opiates",
                "fentanyl",
                "buprenorphine",
                "benzodiazepines",
                "thc",
                "pcp",
                "alcohol",
            )
        ),
        batch_size=10000,
    )
    CaseNote.objects.bulk_create(notes, batch_size=5000)
    Referral.objects.bulk_create(referrals, batch_size=5000)
    CommunityServiceEntry.objects.bulk_create(entries, batch_size=5000)
    violations = Violation.objects.bulk_create(
        (
            Violation(
                supervision=s,
                kind="technical",
                occurred_on=today - timedelta(days=60 * k + 5),
                description="Failed to report as directed.",
                status="open" if k == 0 else "resolved",
                recorded_by=s.officer,
            )
            for s in supervisions
            for k in range(3)
        ),
        batch_size=5000,
    )
    reports = ViolationReport.objects.bulk_create(
        ViolationReport(supervision=s, narrative="Missed reporting.", recommendation="continue", author=s.officer)
        for s in supervisions
    )
    through = ViolationReport.violations.through
    by_case = {}
    for v in violations:
        by_case.setdefault(v.supervision_id, v)
    through.objects.bulk_create(
        through(violationreport_id=r.pk, violation_id=by_case[r.supervision_id].pk) for r in reports
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    measured = staff[0]
    return measured.pk, supervisions[0].pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=4, help="officers with a full caseload (default 4)")
    parser.add_argument("--cases", type=int, default=150, help="cases per officer (default 150)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if "caseline_bench" not in url:
        url = DEFAULT_URL
    recreate_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    officer_id, case_id = _build(officers=args.officers, cases_per_officer=args.cases, seed=args.seed)
    from agency.models import User
    from supervision.models import CaseNote, CheckIn, Supervision

    print(
        f"built in {time.perf_counter() - started:.1f} s: "
        f"{Supervision.objects.count():,} cases, {CheckIn.objects.count():,} check-ins, "
        f"{CaseNote.objects.count():,} notes"
    )
    officer = User.objects.get(pk=officer_id)
    print(
        f"officer {officer.username}: {Supervision.objects.filter(officer=officer).aggregate(n=Count('pk'))['n']} cases"
    )
    client = Client()
    client.force_login(officer)
    caseload_ms, caseload_queries = measure(client, "/caseload/", args.runs)
    case_ms, case_queries = measure(client, f"/cases/{case_id}/", args.runs)
    print(f"My caseload: median {caseload_ms:.1f} ms over {args.runs} renders, {caseload_queries} queries")
    print(f"Case page:   median {case_ms:.1f} ms over {args.runs} renders, {case_queries} queries")
    print(
        f"caseload_ms={caseload_ms:.1f} case_ms={case_ms:.1f} "
        f"caseload_queries={caseload_queries} case_queries={case_queries}"
    )


if __name__ == "__main__":
    main()
