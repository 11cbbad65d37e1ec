"""Benchmark: the missed check-in sweep against a hand-written SQL statement, on the same data.

    python bench/sweep.py --supervisions 100000 [--due-fraction 0.01] [--repeat 3]

Builds N active supervisions (offenders, officers, units, courts, boards) with four check-ins each (one
completed, one open, two in the future) plus one check-in whose window has just closed for a fraction
of them, directly in SQL (INSERT … SELECT generate_series) into a throwaway PostgreSQL database
(``caseline_bench_sweep_tpl_<N>``). Each run then works on a fresh identical copy of it (CREATE DATABASE
… TEMPLATE, a checkpoint, then every table and index read once, as a database in use is warm): the
service ``check_ins_flag_missed`` (violations, history, notifications, audit, possible-absconder
alerts; queueing the officers' emails) on one copy, and on another a hand-written statement doing the
same work the plain way (the run stops if the two leave different numbers of notifications, audit and
history rows). It prints both timings (median of --repeat runs) and their ratio, plus for reference a
statement that only flags the check-ins and opens the violations; the last line is
``sweep_s=… sql_s=… ratio=…``.

A benchmark a person runs on purpose, not a test. The databases are dropped at the end (--keep keeps
the template for another run with --reuse). The server is taken from BENCH_DATABASE_SERVER
(default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TEMPLATE_DB = "caseline_bench_sweep_tpl"  # + "_<N>": one template per size, for --reuse
RUN_DB = "caseline_bench_sweep"
BIG_TABLES = ("offenders_offender", "supervision_supervision", "supervision_checkin")

COUNT_SQL = "SELECT count(*), count(*) FILTER (WHERE status = 'scheduled' AND due_at < %s) FROM supervision_checkin"

# The hand-written statement: flag the check-ins and open the violations, nothing else (the service also
# writes the history rows, the officers' notifications, the audit rows and the absconder alerts).
# The least a sweep must do: flag the check-ins and open their violations. Printed for reference.
MINIMAL_SQL = """
WITH flagged AS (
    UPDATE supervision_checkin SET status = 'missed', updated_at = %(now)s
     WHERE status = 'scheduled' AND due_at < %(now)s
    RETURNING id, supervision_id, due_at
)
INSERT INTO supervision_violation (supervision_id, kind, severity, status, occurred_on, description, check_in_id,
                                   response, created_at, updated_at)
SELECT supervision_id, 'technical', 'medium', 'open', (due_at AT TIME ZONE %(tz)s)::date,
       'Missed check-in due ' || to_char(due_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD'), id, '', %(now)s, %(now)s
  FROM flagged
ON CONFLICT DO NOTHING
"""

# The same work as the service, written by hand the plain way (joins, no planner fences): flag, open the
# violations, write both history rows, notify the officers, audit each check-in, alert the supervisor
# of a case with 3 consecutive misses. This is the statement the ratio compares with.
HAND_SQL = """
WITH flagged AS (
    UPDATE supervision_checkin SET status = 'missed', updated_at = %(now)s
     WHERE status = 'scheduled' AND due_at < %(now)s
    RETURNING *
),
cases AS (
    SELECT f.*, s.officer_id, s.offender_id, s.unit_id, s.docket_number,
           to_char(f.due_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD') AS due_day
      FROM flagged AS f JOIN supervision_supervision AS s ON s.id = f.supervision_id
),
violations AS (
    INSERT INTO supervision_violation (supervision_id, kind, severity, status, occurred_on, description,
                                       check_in_id, response, created_at, updated_at)
    SELECT supervision_id, 'technical', 'medium', 'open', (due_at AT TIME ZONE %(tz)s)::date,
           'Missed check-in due ' || due_day, id, '', %(now)s, %(now)s
      FROM cases
    ON CONFLICT DO NOTHING
    RETURNING *
),
check_in_history AS (
    INSERT INTO supervision_historicalcheckin (id, kind, origin, window_start, due_at, status, completed_at, location,
                                               notes, excuse_reason, created_at, updated_at, history_date,
                                               history_change_reason, history_type, recorded_by_id, supervision_id)
    SELECT id, kind, origin, window_start, due_at, status, completed_at, location, notes, excuse_reason, created_at,
           updated_at, %(now)s, 'Window closed without a check-in', '~', recorded_by_id, supervision_id
      FROM flagged
),
violation_history AS (
    INSERT INTO supervision_historicalviolation (id, kind, severity, status, occurred_on, description, response,
                                                 created_at, updated_at, history_date, history_type, check_in_id,
                                                 condition_id, drug_test_id, recorded_by_id, supervision_id)
    SELECT id, kind, severity, status, occurred_on, description, response, created_at, updated_at, %(now)s, '+',
           check_in_id, condition_id, drug_test_id, recorded_by_id, supervision_id
      FROM violations
),
notifications AS (
    INSERT INTO supervision_notification (recipient_id, kind, message, supervision_id, check_in_id, key, created_at)
    SELECT officer_id, 'missed_check_in', 'Missed check-in due ' || due_day || ' (' || docket_number || ')',
           supervision_id, id, 'missed_check_in:' || id, %(now)s
      FROM cases
    ON CONFLICT DO NOTHING
),
audit AS (
    INSERT INTO agency_auditevent (occurred_at, actor_label, action, object_type, object_id, offender_id, outcome,
                                   request_id, detail)
    SELECT %(now)s, 'system:flag_missed_check_ins', 'check_in.missed', 'supervision.checkin', c.id::text,
           c.offender_id, 'allowed', '', jsonb_build_object('violation_id', v.id)
      FROM cases AS c LEFT JOIN violations AS v ON v.check_in_id = c.id
),
last_done AS (
    SELECT d.supervision_id, max(d.due_at) AS due_at
      FROM supervision_checkin AS d
     WHERE d.status = 'completed' AND d.supervision_id IN (SELECT supervision_id FROM cases)
     GROUP BY d.supervision_id
),
streaks AS (
    SELECT c.supervision_id, count(*) AS misses, min(c.id) AS first_id
      FROM supervision_checkin AS c LEFT JOIN last_done AS l ON l.supervision_id = c.supervision_id
     WHERE c.supervision_id IN (SELECT supervision_id FROM cases)
       AND c.status IN ('missed', 'scheduled') AND c.due_at < %(now)s
       AND c.due_at > COALESCE(l.due_at, '-infinity')
     GROUP BY c.supervision_id
    HAVING count(*) >= 3
)
INSERT INTO supervision_notification (recipient_id, kind, message, supervision_id, check_in_id, key, created_at)
SELECT u.supervisor_id, 'possible_absconder', 'Possible absconder: ' || st.misses || ' consecutive missed check-ins',
       st.supervision_id, st.first_id, 'possible_absconder:' || st.first_id, %(now)s
  FROM streaks AS st
  JOIN supervision_supervision AS s ON s.id = st.supervision_id
  JOIN agency_unit AS u ON u.id = s.unit_id
 WHERE u.supervisor_id IS NOT NULL
ON CONFLICT DO NOTHING
"""


def admin_connection():
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    return connection


def admin_execute(*statements: tuple[str, list]) -> None:
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    finally:
        connection.close()


def recreate_database(name: str, template: str | None = None) -> None:
    admin_execute(
        (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ),
        (f'DROP DATABASE IF EXISTS "{name}"', []),
        (f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY = FILE_COPY' if template else ""), []),
        # Each timed run starts right after a checkpoint, as the others do.
        ("CHECKPOINT", []),
    )


def drop_database(name: str) -> None:
    admin_execute((f'DROP DATABASE IF EXISTS "{name}"', []))


def setup_django() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "agency.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "DATABASE_URL": f"{SERVER}/{TEMPLATE_DB}",
            "CELERY_BROKER_URL": "memory://",
            "EMAIL_URL": "dummymail://",  # the emails are built and handed to a backend that drops them
            "DB_CONN_MAX_AGE": "0",
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def use_database(name: str) -> None:
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name
    connections["default"].ensure_connection()


def prewarm() -> None:
    """Read every table and index of the fresh copy once (into the OS cache), as a database in use is:
    the runs then compare the work done, not the disk."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
        )


def build(n: int, due_fraction: float, now: datetime) -> dict:
    """Schema by the migrations, rows by SQL. Returns what was built."""
    from django.core.management import call_command

    recreate_database(TEMPLATE_DB)
    use_database(TEMPLATE_DB)
    call_command("migrate", verbosity=0)
    from django.db import connections

    connections["default"].close()
    officers, units = max(1, n // 50), max(1, n // 500)
    step = max(1, round(1 / due_fraction)) if due_fraction > 0 else 0
    params = {"n": n, "officers": officers, "units": units, "now": now, "step": step}
    started = time.perf_counter()
    connection = psycopg2.connect(f"{SERVER}/{TEMPLATE_DB}")
    with connection, connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
        cursor.execute("SET maintenance_work_mem = '512MB'")
        # Indexes that are not constraints are dropped while loading and built again afterwards.
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i
                WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [list(BIG_TABLES)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            """
INSERT INTO agency_court (id, name, jurisdiction, clerk_name, clerk_email, clerk_phone, webhook_url, webhook_secret,
                          is_active)
SELECT g, 'Court ' || g, 'County ' || g, '', 'clerk' || g || '@court.example', '', '', '', true
  FROM generate_series(1, 10) g;
INSERT INTO agency_paroleboard (id, name, jurisdiction, email, phone, webhook_url, webhook_secret, is_active)
SELECT g, 'Board ' || g, 'Region ' || g, 'board' || g || '@parole.example', '', '', '', true
  FROM generate_series(1, 5) g;
INSERT INTO agency_unit (id, code, name, office, supervisor_id)
SELECT g, 'unit-' || g, 'Unit ' || g, 'Office', NULL FROM generate_series(1, %(units)s) g;
INSERT INTO agency_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                         date_joined, role, unit_id, phone, badge_number)
SELECT g, '!', false, 'officer' || g, 'Officer', 'No' || g, 'officer' || g || '@agency.example', false, true,
       %(now)s, 'officer', 1 + (g - 1) %% %(units)s, '', ''
  FROM generate_series(1, %(officers)s) g;
INSERT INTO agency_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                         date_joined, role, unit_id, phone, badge_number)
SELECT %(officers)s + g, '!', false, 'supervisor' || g, 'Supervisor', 'No' || g, 'supervisor' || g || '@agency.example',
       false, true, %(now)s, 'supervisor', g, '', ''
  FROM generate_series(1, %(units)s) g;
UPDATE agency_unit SET supervisor_id = %(officers)s + id;
INSERT INTO offenders_offender (id, agency_number, first_name, middle_name, last_name, date_of_birth, state_id,
                                fbi_number, phone, email, primary_language, created_at, updated_at)
SELECT g, 'CL-B' || lpad(g::text, 9, '0'), 'First', '', 'Last' || g, date '1970-01-01' + (g %% 12000), '', '', '', '',
       'English', %(now)s, %(now)s
  FROM generate_series(1, %(n)s) g;
INSERT INTO supervision_supervision (id, offender_id, supervision_type, court_id, parole_board_id, docket_number,
                                     offense, start_date, end_date, status, closure_reason, level, officer_id, unit_id,
                                     created_at, updated_at)
SELECT g, g, CASE WHEN g %% 2 = 0 THEN 'probation' ELSE 'parole' END,
       CASE WHEN g %% 2 = 0 THEN 1 + g %% 10 END, CASE WHEN g %% 2 = 1 THEN 1 + g %% 5 END,
       'D-' || g, 'Theft', (%(now)s::date - 180), (%(now)s::date + 540), 'active', '', 'medium',
       o, 1 + (o - 1) %% %(units)s, %(now)s, %(now)s
  FROM (SELECT g, 1 + ((g - 1) / 50) %% %(officers)s AS o FROM generate_series(1, %(n)s) g) AS s;
-- Four check-ins per case (completed 20 days ago, open now, two ahead) and, for every step-th case,
-- one whose window closed an hour ago: the ones the sweep flags.
INSERT INTO supervision_checkin (supervision_id, kind, origin, window_start, due_at, status, completed_at, location,
                                 notes, excuse_reason, created_at, updated_at)
SELECT s, 'office', 'scheduled', w.start, w.start + interval '3 days',
       CASE WHEN k = 0 THEN 'completed' ELSE 'scheduled' END,
       CASE WHEN k = 0 THEN w.start + interval '1 day' END, '', '', '', %(now)s, %(now)s
  FROM generate_series(1, %(n)s) s
 CROSS JOIN LATERAL generate_series(0, CASE WHEN %(step)s > 0 AND s %% GREATEST(%(step)s, 1) = 0 THEN 4 ELSE 3 END) k
 CROSS JOIN LATERAL (
       SELECT CASE k WHEN 0 THEN %(now)s - interval '20 days'
                     WHEN 1 THEN %(now)s - interval '1 day'
                     WHEN 2 THEN %(now)s + interval '13 days'
                     WHEN 3 THEN %(now)s + interval '27 days'
                     ELSE %(now)s - interval '3 days 1 hour' END AS start) w;
""",
            params,
        )
        for _, definition in indexes:
            cursor.execute(definition)
        for table in ("agency_court", "agency_paroleboard", "agency_unit", "agency_user", *BIG_TABLES):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        cursor.execute(COUNT_SQL, [now])
        check_ins, due = cursor.fetchone()
    connection.close()
    connection = psycopg2.connect(f"{SERVER}/{TEMPLATE_DB}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return {"check_ins": check_ins, "due": due, "seconds": time.perf_counter() - started}


WORK_COUNTS_SQL = """
SELECT (SELECT count(*) FROM supervision_notification),
       (SELECT count(*) FROM agency_auditevent WHERE action = 'check_in.missed'),
       (SELECT count(*) FROM supervision_historicalcheckin),
       (SELECT count(*) FROM supervision_historicalviolation)
"""


def work_counts() -> tuple[int, ...]:
    """Notifications, audit rows and history rows after a run: the two sides must have done the same work."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(WORK_COUNTS_SQL)
        return tuple(cursor.fetchone())


def run_sweep(now: datetime) -> tuple[float, int]:
    from supervision.services import check_ins_flag_missed

    recreate_database(RUN_DB, TEMPLATE_DB)
    use_database(RUN_DB)
    prewarm()
    started = time.perf_counter()
    result = check_ins_flag_missed(now=now)
    return time.perf_counter() - started, result.violations


def run_hand_sql(now: datetime, statement: str = HAND_SQL) -> tuple[float, int]:
    from django.conf import settings
    from django.db import connection, transaction

    recreate_database(RUN_DB, TEMPLATE_DB)
    use_database(RUN_DB)
    prewarm()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # As the service does: the partial index, never a scan; compare the work, not JIT compilation.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        cursor.execute(statement, {"now": now, "tz": settings.TIME_ZONE})
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM supervision_violation WHERE check_in_id IS NOT NULL AND created_at = %s", [now]
        )
        rows = cursor.fetchone()[0]
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--supervisions", type=int, required=True)
    parser.add_argument("--due-fraction", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="Use the template left by a previous --keep run.")
    parser.add_argument("--keep", action="store_true", help="Keep the template database for --reuse.")
    args = parser.parse_args()
    if not 0 <= args.due_fraction <= 1 or args.supervisions < 1 or args.repeat < 1:
        parser.error("--supervisions and --repeat must be at least 1, --due-fraction between 0 and 1.")

    global TEMPLATE_DB
    TEMPLATE_DB = f"{TEMPLATE_DB}_{args.supervisions}"
    setup_django()
    from django.db import connections

    host = urlsplit(SERVER).hostname
    now = datetime.now(UTC).replace(microsecond=0)
    if args.reuse:
        connection = psycopg2.connect(f"{SERVER}/{TEMPLATE_DB}")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT max(created_at) FROM supervision_checkin")
                now = cursor.fetchone()[0]
                cursor.execute(COUNT_SQL, [now])
                check_ins, due = cursor.fetchone()
        finally:
            connection.close()
        print(f"reusing {TEMPLATE_DB}: {check_ins} check-ins, {due} due", flush=True)
    else:
        print(f"building {args.supervisions} supervisions on {host} …", flush=True)
        built = build(args.supervisions, args.due_fraction, now)
        check_ins, due = built["check_ins"], built["due"]
        print(
            f"built {args.supervisions} supervisions, {check_ins} check-ins ({due} due) in {built['seconds']:.1f} s",
            flush=True,
        )

    sweeps, hand, minimal = [], [], []
    try:
        for run in range(1, args.repeat + 1):
            sweep_s, sweep_rows = run_sweep(now)
            sweep_work = work_counts()
            sql_s, sql_rows = run_hand_sql(now)
            if work_counts() != sweep_work:
                raise SystemExit(
                    f"run {run}: the hand-written statement did other work: {work_counts()} != {sweep_work}"
                )
            minimal_s, _ = run_hand_sql(now, MINIMAL_SQL)
            minimal.append(minimal_s)
            connections["default"].close()
            if sweep_rows != due or sql_rows != due:
                raise SystemExit(f"run {run}: expected {due} violations, sweep {sweep_rows}, sql {sql_rows}")
            sweeps.append(sweep_s)
            hand.append(sql_s)
            print(
                f"run {run}: sweep {sweep_s:.3f} s, hand-written sql (same work) {sql_s:.3f} s, "
                f"flag and violations only {minimal_s:.3f} s ({due} check-ins flagged)",
                flush=True,
            )
    finally:
        connections["default"].close()
        drop_database(RUN_DB)
        if not args.keep:
            drop_database(TEMPLATE_DB)
    sweep_s, sql_s = statistics.median(sweeps), statistics.median(hand)
    print(f"flag and violations only: {statistics.median(minimal):.3f} s (for reference)")
    print(f"sweep_s={sweep_s:.3f} sql_s={sql_s:.3f} ratio={sweep_s / sql_s:.2f}")


if __name__ == "__main__":
    main()
