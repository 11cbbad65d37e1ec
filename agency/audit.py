"""The one way to write an audit row. Call it inside the transaction of the change it records."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, models, router
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from agency.choices import AuditOutcome
from agency.http import AuthenticatedRequest
from agency.middleware import current_request
from agency.models import AuditEvent, User
from agency.prepared import execute_prepared


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    offender_id: int | None = None,
    offender_ids: Iterable[int | None] = (),
    outcome: str = AuditOutcome.ALLOWED,
    detail: dict[str, Any] | None = None,
    system: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Record that ``actor`` (or the background job ``system``) did ``action`` to ``obj``.

    ``offender_id`` ties the row to a person so that everything done to one person's record can
    be listed; when omitted it is read from ``obj`` (an Offender, or anything with ``offender_id``
    or a ``supervision``). ``offender_ids`` names every person a list showed (one row per list page,
    kept sorted and without repeats; the per-person filter of the viewer finds the row by any of them).
    ``actor_label`` names an actor that is not (yet) a user, e.g. ``anonymous`` for a failed sign-in.

    Fail closed: nothing here catches a database error. Called inside the transaction of the change,
    a row that cannot be written rolls the change back and the request fails with it. The time is
    ``timezone.now()`` (UTC, stored as ``timestamptz``); the source address and request id come from
    ``agency.middleware.RequestContextMiddleware`` (empty only outside a request: jobs, commands).
    """
    return AuditEvent.objects.create(
        **_audit_fields(
            actor=actor,
            action=action,
            obj=obj,
            offender_id=offender_id,
            offender_ids=offender_ids,
            outcome=outcome,
            detail=detail,
            system=system,
            actor_label=actor_label,
        )
    )


def _audit_fields(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    offender_id: int | None = None,
    offender_ids: Iterable[int | None] = (),
    outcome: str = AuditOutcome.ALLOWED,
    detail: dict[str, Any] | None = None,
    system: str = "",
    actor_label: str = "",
) -> dict[str, Any]:
    """The columns of the row :func:`audit_record` writes, checked."""
    if actor is None and not system and not actor_label:
        raise ValueError("An audit row needs an actor or the name of the system job.")
    if outcome not in AuditOutcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    context = current_request.get()
    if offender_id is None and obj is not None:
        offender_id = _offender_id_of(obj)
    return dict(
        actor=actor,
        actor_label=actor.username if actor is not None else (f"system:{system}" if system else actor_label[:150]),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        offender_id=offender_id,
        offender_ids=sorted({int(person) for person in offender_ids if person is not None}),
        outcome=outcome,
        source_ip=context.source_ip if context else None,
        request_id=context.request_id if context else "",
        detail=_without_nul(detail or {}),
    )


def audit_query(params: Mapping[str, str]) -> dict[str, str]:
    """A list's query parameters as an audit row keeps them: at most 30, keys cut to 100 characters and
    values to 200 (NUL is dropped by ``audit_record``)."""
    return {str(key)[:100]: str(value)[:200] for key, value in list(params.items())[:30]}


def audit_page_read(
    request: AuthenticatedRequest, *, action: str, obj: models.Model, offender_id: int | None = None
) -> AuditEvent:
    """The row of a page that shows one object of a person (a case, a check-in, a report): call it
    before rendering, so that no page is shown without its row (fail closed). ``detail.page`` names the
    page (one object is shown on several: the case page, its forms, the assignments)."""
    return audit_record(
        actor=request.user,
        action=action,
        obj=obj,
        offender_id=offender_id,
        detail={"page": _page_name(request)},
    )


def audit_list_read(
    request: AuthenticatedRequest, *, action: str, rows: Iterable[tuple[Any, int | None]], **detail: Any
) -> AuditEvent:
    """The one row of a list page: ``rows`` are the (id, person id) of what it shows; the row keeps the
    ids, names every person among them (``offender_ids``) and the page's query. Call it once the page's
    rows are read and before rendering."""
    shown = list(rows)
    return audit_record(
        actor=request.user,
        action=action,
        offender_ids=[person for _id, person in shown],
        detail={
            "page": _page_name(request),
            "ids": [row_id for row_id, _person in shown],
            "query": audit_query(request.GET),
            **detail,
        },
    )


def audited_list_page(
    queryset: QuerySet,
    *,
    offset: int,
    limit: int,
    write_when_empty: bool,
    actor: User,
    action: str,
    detail: dict[str, Any],
) -> tuple[list[tuple[Any, ...]], int]:
    """One page of a list, the number of rows in the whole list, and the list's audit row, in one statement.

    ``queryset`` is an ordered ``values_list`` whose last two values are each row's id and its person's id.
    The page is rows ``offset`` to ``offset + limit``, read as the queryset reads them (Django's converters
    applied). The audit row is :func:`audit_list_read`'s for an API list: ``offender_ids`` the people on the
    page, ``detail`` with ``ids`` (the page's ids, in its order) added; it is written when the page has rows,
    or when ``write_when_empty`` (an empty first page is an answer; a page past the end is a 404, not a read).

    One statement (``WITH page AS (SELECT …), audit AS (INSERT … SELECT … FROM page) SELECT …``) is atomic on
    its own: if the row cannot be written, the statement fails and returns nothing, the way a separate INSERT
    in the read's transaction fails the request (fail closed). What it saves is two round trips and their
    commit: the count, and the INSERT after the page has come back."""
    alias = queryset.db
    if router.db_for_write(AuditEvent) != alias:
        raise ImproperlyConfigured("audited_list_page reads and writes one database.")
    connection = connections[alias]
    # The rows in order, unsliced: the page's LIMIT and OFFSET are values of the statement (below), not part of
    # its text, so that every page of a list is one prepared statement (agency.prepared).
    ordered = queryset.all()  # a fresh clone: the queryset may have been read
    compiler = ordered.query.get_compiler(using=alias)
    page_sql, page_params = compiler.as_sql()
    count_sql, count_params = queryset.order_by().query.get_compiler(using=alias).as_sql()
    names = [f"c{index}" for index in range(compiler.col_count)]
    row_id, person = names[-2], names[-1]
    event = AuditEvent(**_audit_fields(actor=actor, action=action, detail=detail))
    columns, values, params = [], [], []
    for field in AuditEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(str(field.column)))
        db_type = field.db_type(connection)
        if field.attname == "offender_ids":  # the people on the page, sorted, each once
            values.append(
                f"COALESCE((SELECT array_agg(DISTINCT p.{person} ORDER BY p.{person}) FROM page p "  # noqa: S608
                f"WHERE p.{person} IS NOT NULL), '{{}}')::{db_type}"  # (names made here, the column's type)
            )
        elif field.attname == "detail":  # the caller's detail, and the page's ids in its order
            values.append(
                "CAST(%s AS jsonb) || jsonb_build_object('ids', "  # noqa: S608
                f"COALESCE((SELECT jsonb_agg(p.{row_id} ORDER BY p.n) FROM page p), '[]'::jsonb))"
            )
            params.append(field.get_db_prep_save(event.detail, connection))
        else:
            values.append(f"CAST(%s AS {db_type})")
            params.append(field.get_db_prep_save(getattr(event, field.attname), connection))
    # Table and column names from the model, quoted; the page's and the count's SQL are Django's, compiled from
    # the queryset with their parameters; every value is a parameter.
    sql = (
        # row_number() over the page's rows as its ORDER BY … LIMIT gives them: the page's order, kept below.
        # PostgreSQL keeps a subquery's ORDER BY (it is not pulled up) and bounds its sort by the LIMIT above it.
        "WITH page AS MATERIALIZED (SELECT row_number() OVER () AS n, q.* "  # noqa: S608
        f"FROM (SELECT * FROM ({page_sql}) AS ordered LIMIT %s OFFSET %s) AS q ({', '.join(names)})), "
        f"audit AS (INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} WHERE %s OR EXISTS (SELECT 1 FROM page) RETURNING 1) "
        f"SELECT (SELECT COUNT(*) FROM ({count_sql}) AS every_row), (SELECT COUNT(*) FROM audit), page.* "
        "FROM (SELECT 1) AS one LEFT JOIN page ON TRUE ORDER BY page.n"
    )
    with connection.cursor() as cursor:
        # Prepared once per connection (agency.prepared): its parse and plan were the most of its cost.
        execute_prepared(
            connection, cursor, sql, [*page_params, limit, offset, *params, write_when_empty, *count_params]
        )
        result = cursor.fetchall()
    total, written = result[0][0], result[0][1]
    rows = [row[3:] for row in result if row[2] is not None]
    if written != (1 if rows or write_when_empty else 0):  # cannot happen: the statement wrote what it read
        raise DatabaseError(f"The audit row of a list page was not written ({written} rows for {len(rows)}).")
    return list(compiler.results_iter(results=[rows], tuple_expected=True)), total


def _page_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else request.path[:200]


def audit_about_person(offender_id: int) -> Q:
    """The rows about one person: tied to them (``offender_id``) or a list that showed them (``offender_ids``)."""
    return Q(offender_id=offender_id) | Q(offender_ids__contains=[offender_id])


def audit_people_named(event: AuditEvent) -> set[int]:
    """Every person a row names: the one its object belongs to and those a list showed."""
    return ({event.offender_id} if event.offender_id is not None else set()) | set(event.offender_ids)


def _without_nul(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold U+0000: drop it from what a client typed (a search, a path)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


def _offender_id_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "offenders.offender":
        return obj.pk
    offender_id: int | None = getattr(obj, "offender_id", None)
    if offender_id:
        return offender_id
    supervision = getattr(obj, "supervision", None)
    if supervision is not None:
        return supervision.offender_id
    return None
