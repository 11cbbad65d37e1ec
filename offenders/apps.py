from django.apps import AppConfig


class OffendersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "offenders"
