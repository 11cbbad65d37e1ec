"""Run the check-in scheduler once, by hand: the same service the nightly job calls."""

from django.core.management.base import BaseCommand

from supervision.services import check_ins_schedule_all


class Command(BaseCommand):
    help = "Keep every active supervision's check-ins scheduled up to the horizon (safe to repeat)."

    def handle(self, *args, **options):
        counts = check_ins_schedule_all()
        self.stdout.write(
            f"Looked at {counts['supervisions']} active supervision(s); scheduled {counts['scheduled']} "
            f"check-in(s); re-planned {counts['replanned']} supervision(s); excused {counts['excused']} "
            "check-in(s)."
        )
