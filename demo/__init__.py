"""The demo agency: ``manage.py seed_demo`` writes it (``demo.seed``: reference data, staff, the demo logins,
and offenders on parole and probation with a year of history, written in bulk); ``python -m demo.run``
(``make run``) serves it on the embedded PostgreSQL server. Nothing in Caseline imports this package."""
