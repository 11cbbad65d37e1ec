"""Run the missed check-in sweep once, by hand: the same service the periodic job calls."""

from django.core.management.base import BaseCommand

from supervision.services import check_ins_flag_missed


class Command(BaseCommand):
    help = "Flag every scheduled check-in whose window has closed as missed (safe to repeat)."

    def handle(self, *args, **options):
        result = check_ins_flag_missed()
        self.stdout.write(
            f"Flagged {result.flagged} missed check-in(s); opened {result.violations} violation(s); "
            f"created {result.notifications} notification(s) ({result.absconder_alerts} possible-absconder "
            f"alert(s)); emailing {result.recipients} recipient(s)."
        )
