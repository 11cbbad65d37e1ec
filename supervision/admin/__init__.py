"""The Django admin for the cases: reference data (condition catalogue, contact standards) and every
case record for corrections. Nothing is deleted here and every save is audited (see
``agency.admin.AuditedAdminMixin``). Day-to-day work (recording a check-in or a drug test, moving a
violation report through its lifecycle) happens on the case pages and the API, which apply the rules
of ``supervision.services``.

One module per family of records: ``cases``, ``records``, ``violations``, ``jobs``, ``lifecycle`` (``base``: what
they share).
Importing this package registers them all."""

from supervision.admin import base, cases, jobs, lifecycle, records, violations

__all__ = ["base", "cases", "jobs", "lifecycle", "records", "violations"]
