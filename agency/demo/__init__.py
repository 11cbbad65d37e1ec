"""The demo agency behind ``manage.py seed_demo``: reference data, staff, the six demo logins, and
offenders on parole and probation with a year of history, written in bulk."""

from agency.demo.seed import DemoSeedResult, demo_seed

__all__ = ["DemoSeedResult", "demo_seed"]
