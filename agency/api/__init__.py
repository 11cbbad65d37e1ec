"""The REST API's shared parts: authentication scope, permissions, errors, pagination, throttling."""
