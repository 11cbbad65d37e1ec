from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"

    def ready(self) -> None:
        from supervision import tasks  # noqa: F401 (registers the tasks the services queue by name)
