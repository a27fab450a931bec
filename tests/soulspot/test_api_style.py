"""One API style, read from the OpenAPI schema: a new endpoint that breaks it fails here.

Every list a GET answers is a page of the one pagination class (`limit`/`offset` in,
`{"items": [...], "count": N}` out); every documented 4xx answer is the shared `ErrorOut`
(or a subclass that adds documented fields); every operation on one object documents its 404;
every app router is mounted at its own prefix.
"""

from __future__ import annotations

from functools import cache

import pytest

from soulspot.api import api
from soulspot.lib.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from soulspot.lib.schemas import ErrorOut

SCHEMA_REF = "#/components/schemas/"


@cache
def _schema() -> dict:
    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
    ]


def _components() -> dict[str, dict]:
    return _schema()["components"]["schemas"]


def _responses(operation: dict) -> dict[int, dict]:
    return {int(status): response for status, response in operation["responses"].items()}


def _json_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def _resolve(schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return _components()[ref.removeprefix(SCHEMA_REF)] if ref else schema


def _error_schema_names() -> set[str]:
    names, todo = set(), [ErrorOut]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _is_list(schema: dict) -> bool:
    resolved = _resolve(schema)
    return resolved.get("type") == "array" or "items" in resolved.get("properties", {})


def _page_problems(operation: dict) -> list[str]:
    """What makes this list answer differ from a page of `soulspot.lib.pagination.Page`."""
    params = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
    answer = _resolve(_json_schema(_responses(operation)[200]))
    problems = []
    if answer.get("type") == "array":
        problems.append("answers a bare list instead of {items, count}")
    elif set(answer.get("required", [])) != {"items", "count"}:
        problems.append(f"answers {sorted(answer.get('properties', {}))}, not {{items, count}}")
    limit, offset = params.get("limit", {}), params.get("offset", {})
    if (limit.get("default"), limit.get("minimum"), limit.get("maximum")) != (
        DEFAULT_LIMIT,
        1,
        MAX_LIMIT,
    ):
        problems.append(f"limit is not 1..{MAX_LIMIT} (default {DEFAULT_LIMIT}): {limit}")
    if (offset.get("minimum"), offset.get("maximum")) != (0, MAX_OFFSET):
        problems.append(f"offset is not 0..{MAX_OFFSET}: {offset}")
    if {"page", "page_size"} & set(params):
        problems.append("takes page/page_size besides limit/offset")
    return problems


def test_every_list_a_get_answers_is_a_page_of_the_one_pagination_class() -> None:
    lists = [
        (method, path, operation)
        for method, path, operation in _operations()
        if method == "GET" and _json_schema(_responses(operation).get(200, {}))
        if _is_list(_json_schema(_responses(operation)[200]))
    ]
    assert len(lists) >= 10  # the walk finds the lists (a broken walk would pass vacuously)
    broken = {
        f"{method} {path}": problems
        for method, path, operation in lists
        if (problems := _page_problems(operation))
    }
    assert broken == {}


def test_every_error_answer_is_the_shared_error_schema() -> None:
    allowed = _error_schema_names()
    broken = {}
    for method, path, operation in _operations():
        for status, response in _responses(operation).items():
            if not 400 <= status < 500:
                continue
            ref = (_json_schema(response) or {}).get("$ref", "")
            name = ref.removeprefix(SCHEMA_REF) if ref.startswith(SCHEMA_REF) else None
            if name not in allowed:
                broken[f"{method} {path} {status}"] = ref or _json_schema(response)
    assert broken == {}, f"4xx answers must be one of {sorted(allowed)}"
    detail = _components()["ErrorOut"]["properties"]["detail"]
    assert detail["type"] == "string"


def test_every_operation_on_one_object_documents_its_404() -> None:
    missing = [
        f"{method} {path}"
        for method, path, operation in _operations()
        if any(p["in"] == "path" for p in operation.get("parameters", []))
        and 404 not in _responses(operation)
    ]
    assert missing == []


# Each prefix and the one app whose router answers there: an app's own prefix, plus the
# cross-app lists a lower app keeps (the history) or a higher app acts on (the wanted lists).
PREFIXES = {
    "/audit": "accounts",
    "/calendar": "automation",
    "/calendar.ics": "automation",
    "/downloads": "downloads",
    "/library": "library",
    # Discography completion acts on a library artist but needs MusicBrainz release groups
    # and album wants: automation answers it, under the library's path.
    "/library/artists": "automation",
    "/lists": "automation",
    "/metadata": "metadata",
    "/metadata/conflicts": "metadata",
    "/metadata/settings": "metadata",
    "/musicbrainz": "metadata",
    "/playlists": "library",
    "/rules": "downloads",
    "/history": "library",
    "/wanted": "downloads",
    "/settings": "soulspot",
    "/spotify": "automation",
    "/notifications": "automation",
    "/system": "soulspot",
    "/watchlist": "automation",
}


def test_every_app_router_is_mounted_at_its_own_prefix() -> None:
    mounted = {
        prefix: router for prefix, router in api._routers if router is not api.default_router
    }
    assert set(mounted) == set(PREFIXES)
    for prefix, router in mounted.items():
        apps = {op.view_func.__module__.split(".")[0] for op in _router_operations(router)}
        assert apps == {PREFIXES[prefix]}, (prefix, apps)


def _router_operations(router: object) -> list:
    return [op for view in router.path_operations.values() for op in view.operations]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        f"limit={MAX_LIMIT + 1}",
        "limit=9223372036854775808",
        "offset=-1",
        "offset=9223372036854775808",
    ],
)
@pytest.mark.django_db
def test_bad_page_numbers_are_refused_with_422(api_client, query: str) -> None:
    response = api_client.get(f"/api/downloads?{query}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == query.split("=")[0]
