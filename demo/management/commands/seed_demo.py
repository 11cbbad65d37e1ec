"""``manage.py seed_demo``: a believable demo agency (see demo). Idempotent and deterministic."""

from django.core.management.base import BaseCommand, CommandError

from demo.seed import demo_seed


class Command(BaseCommand):
    help = (
        "Create the demo agency: reference data, staff, the logins officer, supervisor, clerk, board, "
        "integrator and admin, and offenders on parole and probation with a year of history. Running it "
        "again creates nothing new, or tops up to a larger --offenders."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offenders", type=int, default=300, help="How many demo offenders (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed, the same demo.")
        parser.add_argument(
            "--password",
            help="Password for the demo logins (set again on every run). Without it, logins created "
            "now get a generated password, printed once.",
        )

    def handle(self, *args, offenders, seed, password, **options):
        if offenders < 0:
            raise CommandError("--offenders cannot be negative.")
        if password is not None and not password:
            raise CommandError("--password cannot be empty.")

        def progress(done: int, total: int) -> None:
            if total >= 10_000:
                self.stderr.write(f"  {done:,} / {total:,} offenders")

        result = demo_seed(offenders=offenders, seed=seed, password=password, progress=progress)
        made = result.offenders_total - result.offenders_before
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo agency ready: {result.offenders_total:,} demo offenders ({made:,} new), "
                f"{result.rows:,} rows created in {result.seconds:.1f} s (seed {seed})."
            )
        )
        if options["verbosity"] >= 2:
            for label, count in sorted(result.counts.items()):
                self.stdout.write(f"  {label:<42} {count:>11,}")
        elif made:
            counts = result.counts
            self.stdout.write(
                "  "
                + ", ".join(
                    f"{counts.get(label, 0):,} {name}"
                    for label, name in (
                        ("supervision.Supervision", "supervisions"),
                        ("supervision.CheckIn", "check-ins"),
                        ("supervision.DrugTest", "drug tests"),
                        ("supervision.CaseNote", "case notes"),
                        ("supervision.Violation", "violations"),
                        ("supervision.ViolationReport", "violation reports"),
                    )
                )
                + " (-v 2 lists every table)"
            )
        self.stdout.write("Logins:")
        for username, role, where in result.logins:
            self.stdout.write(f"  {username:<11} {role:<26} {where}")
        if result.password:
            self.stdout.write(
                self.style.WARNING(
                    f"Generated password for {', '.join(result.passwords_set)}: {result.password}  "
                    "(shown once; run again with --password to choose one)"
                )
            )
        elif password:
            self.stdout.write(f"Password set from --password for all {len(result.logins)} logins.")
        else:
            self.stdout.write("Passwords unchanged (give --password to set them).")
