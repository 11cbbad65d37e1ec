"""The API's JSON parser: Django REST framework's, after a check that the body is not nested beyond reason.

Python's ``json`` module recurses once per level of nesting: a body of ten kilobytes nested 5,000 levels
deep raises ``RecursionError`` (a 500), and a deeper one risks the interpreter's stack. No request of the
API nests more than a few levels (a drug test's substance results: three), so the body is scanned first,
without recursion, and one nested more than ``MAX_DEPTH`` levels is a 400 in the API's error shape before
``json`` sees it. A body in an encoding that cannot be read is a 400 too.
"""

import io
import re
from itertools import accumulate

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64

# A JSON string (escapes included), written so that matching it never backtracks.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def json_nests_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of ``text`` nest more than ``limit`` levels deep (brackets inside
    strings do not count). Iterative, and it stops at the first level too deep."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return any(depth > limit for depth in accumulate(1 if bracket in "[{" else -1 for bracket in brackets))


class JSONParser(parsers.JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - the body is not valid {encoding} text ({exc}).") from None
        if json_nests_deeper_than(text, self.max_depth):
            raise ParseError(f"JSON parse error - nested more than {self.max_depth} levels deep.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
