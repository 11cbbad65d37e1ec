"""Contact standards keyed by level, supervision type and status, with the first-contact deadline; the plan
record keeps the status too.

The data step makes the existing standards (one per level) the defaults: each becomes the level's active
probation standard and is copied as the active parole standard; the first-contact deadline is the window it
had (the first check-in is due as before); and each level gets an inactive (non-reporting) probation standard:
a record check by the officer every 90 days, 14 days to do it. Parole is always active: no inactive parole."""

import django.core.validators
from django.db import migrations, models
from django.db.models import F, Q

CHECK_IN_KINDS = [
    ("office", "Office visit"),
    ("home_visit", "Home visit"),
    ("phone", "Phone"),
    ("video", "Video"),
    ("employer", "Employer contact"),
    ("collateral", "Collateral contact"),
    ("record_check", "Record check"),
]
SUPERVISION_STATUSES = [
    ("active", "Active"),
    ("inactive", "Inactive (non-reporting)"),
    ("absconded", "Absconded"),
    ("warrant", "Warrant issued"),
    ("closed", "Closed"),
]

INACTIVE_DEFAULTS = {
    "check_in_interval_days": 90,
    "window_days": 14,
    "initial_contact_days": 14,
    "check_in_kind": "record_check",
    "home_visit_interval_days": None,
}


def contact_standards_as_defaults(apps, schema_editor):
    ContactStandard = apps.get_model("supervision", "ContactStandard")
    for standard in ContactStandard.objects.filter(supervision_type="probation", status="active"):
        standard.initial_contact_days = standard.window_days
        standard.save(update_fields=["initial_contact_days"])
        copied = {
            field: getattr(standard, field)
            for field in (
                "check_in_interval_days",
                "window_days",
                "initial_contact_days",
                "check_in_kind",
                "home_visit_interval_days",
            )
        }
        ContactStandard.objects.get_or_create(
            level=standard.level, supervision_type="parole", status="active", defaults=copied
        )
        ContactStandard.objects.get_or_create(
            level=standard.level, supervision_type="probation", status="inactive", defaults=INACTIVE_DEFAULTS
        )


def contact_standards_back_to_levels(apps, schema_editor):
    # Back to one standard per level: the active probation one (the copies and the inactive ones go).
    ContactStandard = apps.get_model("supervision", "ContactStandard")
    ContactStandard.objects.exclude(supervision_type="probation", status="active").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0007_condition_orders_violation_corrections"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contactstandard",
            options={"ordering": ["supervision_type", "status", "check_in_interval_days", "level"]},
        ),
        migrations.AlterField(
            model_name="contactstandard",
            name="level",
            field=models.CharField(
                choices=[("high", "High"), ("medium", "Medium"), ("low", "Low"), ("administrative", "Administrative")],
                max_length=16,
            ),
        ),
        # Every existing row is, from now on, the level's active probation standard.
        migrations.AddField(
            model_name="contactstandard",
            name="supervision_type",
            field=models.CharField(
                choices=[("parole", "Parole"), ("probation", "Probation")], default="probation", max_length=16
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contactstandard",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("inactive", "Inactive (non-reporting)")],
                default="active",
                help_text="Active, or inactive (non-reporting, probation only).",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="contactstandard",
            name="initial_contact_days",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text=(
                    "Days from the start of the case by which the first contact is due: the first window opens "
                    "on the start day and closes this many days later. At least 1, no longer than the interval."
                ),
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AlterField(
            model_name="contactstandard",
            name="check_in_interval_days",
            field=models.PositiveSmallIntegerField(
                help_text="Days between scheduled contacts.",
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AlterField(
            model_name="contactstandard",
            name="window_days",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="Days each contact's window stays open; no longer than the interval.",
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AlterField(
            model_name="contactstandard",
            name="check_in_kind",
            field=models.CharField(
                choices=CHECK_IN_KINDS,
                default="office",
                help_text="The regular contact. A record check (done by the officer) only for an inactive standard.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="contactstandard",
            name="home_visit_interval_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=(
                    "Days between home visits, planned besides the regular contacts (the first one interval "
                    "after the start); empty for none."
                ),
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AlterField(
            model_name="checkin",
            name="kind",
            field=models.CharField(choices=CHECK_IN_KINDS, default="office", max_length=16),
        ),
        migrations.AlterField(
            model_name="historicalcheckin",
            name="kind",
            field=models.CharField(choices=CHECK_IN_KINDS, default="office", max_length=16),
        ),
        migrations.AddField(
            model_name="checkinplan",
            name="status",
            field=models.CharField(choices=SUPERVISION_STATUSES, default="active", max_length=16),
        ),
        migrations.RunPython(contact_standards_as_defaults, contact_standards_back_to_levels),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.UniqueConstraint(
                fields=("level", "supervision_type", "status"),
                name="contact_standard_one_per_level_type_status",
                violation_error_message="There is already a contact standard for this level, type and status.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=Q(initial_contact_days__gte=1) & Q(initial_contact_days__lte=F("check_in_interval_days")),
                name="contact_standard_initial_contact_within_interval",
                violation_error_message=(
                    "The first contact's deadline must be at least one day and no longer than the interval."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=Q(home_visit_interval_days__isnull=True) | Q(home_visit_interval_days__gte=1),
                name="contact_standard_home_visit_interval_positive",
                violation_error_message="Home visits need an interval of at least one day, or none.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=Q(status__in=["active", "inactive"]),
                name="contact_standard_planned_status",
                violation_error_message="A contact standard is for active or inactive cases.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=~Q(supervision_type="parole", status="inactive"),
                name="contact_standard_parole_always_active",
                violation_error_message="Parole is always active supervision: it has no inactive standard.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=~Q(check_in_kind="record_check") | Q(status="inactive"),
                name="contact_standard_record_check_when_inactive",
                violation_error_message="A record check is the contact of an inactive (non-reporting) case only.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactstandard",
            constraint=models.CheckConstraint(
                condition=~Q(check_in_kind="home_visit") | Q(home_visit_interval_days__isnull=True),
                name="contact_standard_home_visit_one_series",
                violation_error_message=(
                    "The regular contact is already a home visit: leave the home visit interval empty."
                ),
            ),
        ),
    ]
