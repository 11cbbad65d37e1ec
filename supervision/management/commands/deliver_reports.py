"""Deliver every violation report delivery that is due now, in this process: the same service the
delivery job calls. Safe to repeat: a delivered report is not delivered again, and one delivery that
fails is recorded and does not stop the others."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from supervision.services import report_deliveries_sweep


class Command(BaseCommand):
    help = "Deliver approved violation reports still waiting for delivery (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the deliveries for the workers instead of delivering them in this process.",
        )

    def handle(self, *args, **options):
        counts = report_deliveries_sweep(min_age=timedelta(0), inline=not options["queue"])
        if options["queue"]:
            self.stdout.write(f"{counts['due']} delivery(ies) due; queued {counts['queued']}.")
        else:
            self.stdout.write(
                f"{counts['due']} delivery(ies) due; delivered {counts['delivered']}; failed {counts['failed']}; "
                f"skipped {counts['skipped']} (already delivered or in progress)."
            )
            if counts["failed"]:
                self.stderr.write(
                    "Each failure is recorded on its delivery (admin: Report deliveries, last error) and in the "
                    "audit trail (violation_report.delivery_failed); it is tried again after its backoff."
                )
