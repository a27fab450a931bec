"""Hostile input on every operation of the OpenAPI schema answers 4xx (or 2xx), never 5xx.

The walk is generic: it reads `api.get_openapi_schema()`, so routers added later are covered
without touching this file. For each operation it builds one well-formed request (ids of rows
that exist, the smallest valid body), then sends one request per (slot, mutation): a slot is a
path parameter, a query parameter or one field of the JSON body (nested objects and list items
included), and the mutations are the ones a careless or hostile client sends: wrong types,
numbers past 64 bits, negative numbers, NUL bytes, 1 MB strings, huge lists. The body as a
whole is also replaced by a list, a string, a number, invalid JSON and nothing. A multipart
body (an upload) is sent as a form, its binary fields as files holding the mutated text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from soulspot.api import api
from tests.soulspot.fuzz_support import existing_ids

pytestmark = pytest.mark.django_db

HUGE_STRING = "x" * (1024 * 1024)
INT_MUTATIONS: list[Any] = [2**63, 10**30, -1, -(2**63) - 1, 0, "abc", 1.5, None, [1]]
STRING_MUTATIONS: list[Any] = [HUGE_STRING, "a\x00b", "", 12, None, {"a": 1}, "%" * 5000]
ARRAY_MUTATIONS: list[Any] = [list(range(100_000)), "abc", 5, {"a": 1}, [None], [2**63]]
BOOL_MUTATIONS: list[Any] = ["maybe", 2**63, None, []]
OTHER_MUTATIONS: list[Any] = [HUGE_STRING, 2**63, None, [], "a\x00b"]
BODY_MUTATIONS: list[Any] = [[], [1, 2], "text", 12, 2**63, None, "{not json", ""]


@dataclass
class Request:
    method: str
    path: str
    path_params: dict[str, Any]
    query: dict[str, Any]
    body: Any = None
    has_body: bool = False
    raw_body: str | None = None
    label: str = ""
    # A multipart form (an upload): these body fields are sent as files, the others as fields.
    files: set[str] | None = None

    def url(self) -> str:
        path = self.path
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", _text(value))
        return path

    def send(self, client: Client) -> Any:
        data: Any = self.raw_body
        if data is None and self.has_body:
            data = json.dumps(self.body)
        pairs = [(k, quote(_text(v), safe="")) for k, v in self.query.items() if v is not None]
        query = "&".join(f"{k}={v}" for k, v in pairs)
        url = self.url() + (f"?{query}" if query else "")
        call = getattr(client, self.method)
        if self.files is not None and self.raw_body is None and isinstance(self.body, dict):
            return call(url, data=self._form())
        if data is None:
            return call(url) if self.method == "get" else call(url, content_type="application/json")
        return call(url, data=data, content_type="application/json")

    def _form(self) -> dict[str, Any]:
        form: dict[str, Any] = {}
        for key, value in self.body.items():
            if key in self.files:
                content = _text(value).encode("utf-8", "surrogatepass")
                form[key] = SimpleUploadedFile(f"{key}.txt", content, "text/plain")
            elif value is not None:
                form[key] = _text(value)
        return form


@dataclass
class Slot:
    where: str  # "path", "query" or "body"
    keys: list[Any] = field(default_factory=list)
    schema: dict = field(default_factory=dict)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return "" if value is None else str(value)


class Walker:
    """Builds valid requests and their mutants from the OpenAPI document."""

    def __init__(self, document: dict, ids: dict[str, int]) -> None:
        self.document = document
        self.ids = ids

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.document["components"]["schemas"][name]
        if "anyOf" in schema:
            # `X | None`: take the non-null branch as the shape to fill.
            branches = [s for s in schema["anyOf"] if s.get("type") != "null"]
            if branches:
                return self.resolve(branches[0])
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.resolve(schema["allOf"][0])
        return schema

    def sample(self, schema: dict, name: str = "") -> Any:
        schema = self.resolve(schema)
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            return {key: self.sample(props[key], key) for key in schema.get("required", props)}
        if kind == "array":
            return [self.sample(schema.get("items", {}), name)]
        if kind == "integer":
            if name.endswith("_id") or name == "id" or name.endswith("_ids"):
                return self.ids.get(name.removesuffix("s"), 1)
            return max(schema.get("minimum", 1), 1)
        if kind == "number":
            return 1
        if kind == "boolean":
            return False
        if kind == "string":
            return self._sample_string(schema, name)
        return None

    def _sample_string(self, schema: dict, name: str) -> str:
        if schema.get("format") == "date-time":
            return "2024-01-01T00:00:00Z"
        if name == "path":
            return "."
        return "x" * max(schema.get("minLength", 1), 1)

    def operations(self) -> Iterator[tuple[str, str, dict]]:
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if method in {"get", "post", "put", "patch", "delete"}:
                    yield method, path, operation

    def base_request(self, method: str, path: str, operation: dict) -> Request:
        request = Request(method=method, path=path, path_params={}, query={})
        for parameter in operation.get("parameters", []):
            value = self.sample(parameter.get("schema", {}), parameter["name"])
            if parameter["in"] == "path":
                request.path_params[parameter["name"]] = value
            elif parameter["in"] == "query" and parameter.get("required"):
                request.query[parameter["name"]] = value
        body = operation.get("requestBody")
        if body:
            schema = self.body_schema(operation)
            request.body = self.sample(schema)
            request.has_body = True
            if "multipart/form-data" in body["content"]:
                properties = self.resolve(schema).get("properties", {}).items()
                request.files = {k for k, v in properties if v.get("format") == "binary"}
        return request

    def body_schema(self, operation: dict) -> dict:
        content = operation["requestBody"]["content"]
        return (content.get("application/json") or content["multipart/form-data"])["schema"]

    def slots(self, operation: dict) -> Iterator[Slot]:
        for parameter in operation.get("parameters", []):
            yield Slot(parameter["in"], [parameter["name"]], parameter.get("schema", {}))
        body = operation.get("requestBody")
        if body:
            yield from self._body_slots(self.body_schema(operation), [], 0)

    def _body_slots(self, schema: dict, keys: list[Any], depth: int) -> Iterator[Slot]:
        schema = self.resolve(schema)
        if keys:
            yield Slot("body", keys, schema)
        if depth > 3:
            return
        for key, sub in schema.get("properties", {}).items():
            yield from self._body_slots(sub, [*keys, key], depth + 1)
        if schema.get("type") == "array" and "items" in schema:
            items = self.resolve(schema["items"])
            if items.get("type") == "object" or "properties" in items:
                yield from self._body_slots(items, [*keys, 0], depth + 1)

    def mutants(self, method: str, path: str, operation: dict) -> Iterator[Request]:
        yield self.base_request(method, path, operation)
        for slot in self.slots(operation):
            schema = self.resolve(slot.schema)
            for value in _mutations_for(schema) + self._too_many(schema):
                request = self.base_request(method, path, operation)
                if not _place(request, slot, value):
                    continue
                request.label = f"{slot.where} {slot.keys} = {_short(value)}"
                yield request
        if operation.get("requestBody"):
            for value in BODY_MUTATIONS:
                request = self.base_request(method, path, operation)
                request.label = f"body = {_short(value)}"
                if value in ("{not json", ""):
                    request.raw_body = value
                else:
                    request.body = value
                yield request

    def _too_many(self, schema: dict) -> list[Any]:
        """A list of 10,000 well-formed items: what made one album want stall the service."""
        if schema.get("type") != "array":
            return []
        return [[self.sample(schema.get("items", {}))] * 10_000]


def _mutations_for(schema: dict) -> list[Any]:
    kind = schema.get("type")
    if kind == "integer" or kind == "number":
        return INT_MUTATIONS
    if kind == "string":
        return STRING_MUTATIONS
    if kind == "array":
        return ARRAY_MUTATIONS
    if kind == "boolean":
        return BOOL_MUTATIONS
    return OTHER_MUTATIONS


def _place(request: Request, slot: Slot, value: Any) -> bool:
    if slot.where == "path":
        if isinstance(value, (dict, list)) or value in (None, ""):
            return False  # a path segment cannot hold these; they route to another URL
        request.path_params[slot.keys[0]] = value
        return True
    if slot.where == "query":
        request.query[slot.keys[0]] = value
        return value is not None
    target = request.body
    for key in slot.keys[:-1]:
        if isinstance(target, dict):
            target = target.setdefault(key, {})
        elif isinstance(target, list) and target:
            target = target[key]
        else:
            return False
    if isinstance(target, list):
        if not target:
            return False
        target[slot.keys[-1]] = value
    elif isinstance(target, dict):
        target[slot.keys[-1]] = value
    else:
        return False
    return True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 40 else f"{text[:30]}... ({len(text)} chars)"


def test_no_operation_answers_5xx_to_hostile_input(api_client: Client) -> None:
    walker = Walker(api.get_openapi_schema(), existing_ids())
    api_client.raise_request_exception = False
    failures: list[str] = []
    sent = 0
    for method, path, operation in walker.operations():
        for request in walker.mutants(method, path, operation):
            response = request.send(api_client)
            sent += 1
            # A 5xx the operation documents (readiness's 503) is an answer, not a crash.
            documented = response.status_code in {int(s) for s in operation.get("responses", {})}
            if response.status_code >= 500 and not documented:
                failures.append(
                    f"{method.upper()} {path} {request.label} -> {response.status_code}"
                )
    assert sent > 500, "the walk should reach every operation"
    assert not failures, "\n".join(failures)
