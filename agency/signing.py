"""Signing what Caseline POSTs to other systems (report deliveries, webhook subscriptions)."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Caseline-Signature"


def webhook_signature(*, secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``: the value of the ``X-Caseline-Signature`` header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
