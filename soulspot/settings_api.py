"""`/api/settings`: the settings a user changes after the first start (see
`soulspot.runtime_settings`). Secrets are write-only: answers say only whether one is set.

The body of a change is typed from the registry, so the OpenAPI document lists every setting
and its limits; a value of the right type that a setting cannot take (a URL without http://,
a number out of range) is a 400 whose detail starts with the setting's name.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field, create_model

from soulspot import runtime_settings
from soulspot.lib.schemas import MAX_ID, MAX_ITEMS, NoNul, PathText, Text, errors
from soulspot.runtime_settings.registry import MAX_IMPORT_DIRS, SettingField
from soulspot.runtime_settings.slskd_check import check_slskd_connection

router = Router(tags=["settings"])

SettingKey = Annotated[str, Field(max_length=100), NoNul]
# Wide on purpose: the exact range is each setting's, refused with a 400 naming it.
WholeNumber = Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
_TYPES: dict[str, Any] = {
    "text": Text,
    "url": Text,
    "int": WholeNumber,
    "bool": bool,
    "path": PathText,
    "paths": Annotated[list[PathText], Field(max_length=MAX_IMPORT_DIRS)],
}


class SettingOut(Schema):
    value: Any  # a secret's is {"set": true|false}
    source: str  # "environment" | "database"
    group: str
    label: str
    help: str
    kind: str
    secret: bool
    minimum: int | None = None
    maximum: int | None = None


class SettingsPatchBase(Schema):
    model_config = ConfigDict(extra="forbid")


SettingsPatch = create_model(
    "SettingsPatch",
    __base__=SettingsPatchBase,
    **{
        key: (_TYPES[f.kind] | None, Field(None, description=f.help))
        for key, f in runtime_settings.FIELDS.items()
    },
)


class ResetIn(Schema):
    keys: Annotated[list[SettingKey], Field(max_length=MAX_ITEMS)] | None = None


class FindingOut(Schema):
    name: str
    ok: bool | None
    detail: str


class SlskdTestOut(Schema):
    ok: bool
    version: str
    findings: list[FindingOut]


@router.get("", response=dict[str, SettingOut], summary="Settings in force")
def get_settings(request: HttpRequest) -> dict:
    """Every runtime setting: its value (stored, else the environment's) and where it is from."""
    return _out(runtime_settings.current_settings())


@router.patch("", response={200: dict[str, SettingOut], **errors(400)}, summary="Change settings")
def patch_settings(request: HttpRequest, payload: SettingsPatch) -> dict:  # type: ignore[valid-type]
    """Store the given settings (all or none); they apply at once and survive restarts."""
    runtime_settings.update_settings(payload.model_dump(exclude_unset=True))
    return _out(runtime_settings.current_settings())


@router.post(
    "/reset", response={200: dict[str, SettingOut], **errors(400)}, summary="Reset settings"
)
def reset_settings(request: HttpRequest, payload: ResetIn) -> dict:
    """Forget the stored values of `keys` (all without `keys`): the environment's apply again."""
    runtime_settings.reset_settings(payload.keys)
    return _out(runtime_settings.current_settings())


@router.get("/defaults", response=dict[str, SettingOut], summary="Environment defaults")
def get_defaults(request: HttpRequest) -> dict:
    """The values the environment gave at start: what a reset brings back."""
    return _out(runtime_settings.default_settings())


@router.post("/slskd/test", response=SlskdTestOut, summary="Test the slskd connection")
def test_slskd(request: HttpRequest) -> dict:
    """slskd's version, Soulseek login, shares, and whether its downloads are visible here."""
    report = check_slskd_connection()
    return {"ok": report.ok, "version": report.version, "findings": report.findings}


def _out(views: list[runtime_settings.SettingView]) -> dict:
    return {view.field.key: _one(view.field, view) for view in views}


def _one(field: SettingField, view: runtime_settings.SettingView) -> dict:
    return {
        "value": view.public_value(),
        "source": view.source,
        "group": field.group,
        "label": field.label,
        "help": field.help,
        "kind": field.kind,
        "secret": field.secret,
        "minimum": field.minimum,
        "maximum": field.maximum,
    }
