from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo agency: ``manage.py seed_demo`` and ``python -m demo.run`` (``make run``). It has no models;
    nothing in Caseline imports it."""

    name = "demo"
    verbose_name = "Demo agency"
