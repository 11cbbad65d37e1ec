"""The demo agency: ``python -m demo.run`` (``make run``) starts it on the embedded PostgreSQL server.
Nothing in Caseline imports this package."""
