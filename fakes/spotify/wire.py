"""Wire helpers of the fake Web API: errors, query validation, paging objects, `fields`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fakes.metadata_services.server import Response


class ApiError(Exception):
    """An error answer `{"error": {"status": N, "message": ...}}`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        body = Response.json({"error": {"status": self.status, "message": self.message}})
        body.status = self.status
        body.headers.update(self.headers)
        return body


def bounded_int(raw: str | None, default: int, low: int, high: int, name: str) -> int:
    """A limit/offset query value, or 400 "Invalid limit" (Spotify's wording)."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, f"Invalid {name}") from exc
    if not low <= value <= high:
        raise ApiError(400, f"Invalid {name}")
    return value


def offset_page(
    url: str, items: list[Any], *, limit: int, offset: int, extra: dict[str, str] | None = None
) -> dict[str, Any]:
    """An offset paging object over `items` with absolute `href`/`next`/`previous` URLs."""
    total = len(items)

    def link(at: int) -> str:
        return f"{url}?{urlencode({'offset': at, 'limit': limit, **(extra or {})})}"

    more = limit > 0 and offset + limit < total
    return {
        "href": link(offset),
        "items": items[offset : offset + limit],
        "limit": limit,
        "next": link(offset + limit) if more else None,
        "offset": offset,
        "previous": link(max(offset - limit, 0)) if offset > 0 and limit > 0 else None,
        "total": total,
    }


# -- the `fields` filter ---------------------------------------------------------------------


def parse_fields(spec: str) -> dict[str, Any]:
    """`id,name,items(total,items(item(id,name)))` or dotted `items.item.id` → a nested dict
    whose leaves are None ("keep all"). Raises ApiError on unbalanced brackets."""
    tree: dict[str, Any] = {}
    depth = 0
    start = 0
    for i, char in enumerate(spec + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ApiError(400, "Invalid fields")
        elif char == "," and depth == 0:
            _add_field(tree, spec[start:i].strip())
            start = i + 1
    if depth != 0:
        raise ApiError(400, "Invalid fields")
    return tree


def _add_field(tree: dict[str, Any], part: str) -> None:
    if not part:
        return
    head, paren, rest = part.partition("(")
    if paren and not rest.endswith(")"):
        raise ApiError(400, "Invalid fields")
    *path, leaf = head.strip().split(".")
    node = tree
    for name in path:
        if name in node and node[name] is None:
            return  # the whole object is already kept
        node = node.setdefault(name, {})
    sub = parse_fields(rest[:-1]) if paren else None
    if sub is None or (leaf in node and node[leaf] is None):
        node[leaf] = None
    else:
        node[leaf] = {**(node.get(leaf) or {}), **sub}


def apply_fields(data: Any, tree: dict[str, Any] | None) -> Any:
    """Keep only the named keys (recursively through lists)."""
    if tree is None:
        return data
    if isinstance(data, list):
        return [apply_fields(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {k: apply_fields(data[k], sub) for k, sub in tree.items() if k in data}
