from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Supervision officer"
    SUPERVISOR = "supervisor", "Unit supervisor"
    COURT_CLERK = "court_clerk", "Court clerk"
    PAROLE_BOARD_STAFF = "parole_board_staff", "Parole board staff"
    ADMINISTRATOR = "administrator", "Administrator"
    INTEGRATOR = "integrator", "Integrator"


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
