"""REST endpoints for filter rules (mounted at /api/rules). Each calls one service.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from datetime import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from downloads.models import FilterRule
from downloads.services import rules as services
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import MAX_ID, Id, NoNul, Text, errors

router = Router(tags=["rules"])

Name = Annotated[str, StringConstraints(max_length=100), NoNul]
Word = Annotated[str, StringConstraints(max_length=100), NoNul]
Bytes = Annotated[int, Field(ge=0, le=MAX_ID)]
Bonus = Annotated[int, Field(ge=-100, le=100)]
MAX_WORDS = 50


class RuleIn(Schema):
    name: Name
    kind: FilterRule.Kind
    field: FilterRule.Field
    pattern: Text = Field("", description="Allow/deny on path, folder, user: a Python regex.")
    words: list[Word] = Field([], max_length=MAX_WORDS, description="Prefer: words to look for.")
    bonus: Bonus = Field(0, description="Prefer: points added when a word is found.")
    min_size: Bytes | None = Field(None, description="Size rules: smallest size in bytes.")
    max_size: Bytes | None = Field(None, description="Size rules: largest size in bytes.")
    quality_profile_id: Id | None = Field(None, description="Only for this profile; else global.")
    enabled: bool = True


class RulePatch(Schema):
    name: Name | None = None
    kind: FilterRule.Kind | None = None
    field: FilterRule.Field | None = None
    pattern: Text | None = None
    words: list[Word] | None = Field(None, max_length=MAX_WORDS)
    bonus: Bonus | None = None
    min_size: Bytes | None = None
    max_size: Bytes | None = None
    quality_profile_id: Id | None = None
    enabled: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    field: str
    pattern: str
    words: list[str]
    bonus: int
    min_size: int | None
    max_size: int | None
    quality_profile_id: int | None
    quality_profile_name: str | None
    enabled: bool
    label: str = Field(description="What the rule does, as reasons and explanations name it.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_quality_profile_name(rule: FilterRule) -> str | None:
        return rule.quality_profile.name if rule.quality_profile else None

    @staticmethod
    def resolve_label(rule: FilterRule) -> str:
        return rule.spec().label


# Fields a PATCH may set back to nothing (a global rule, an open size bound).
NULLABLE = {"min_size", "max_size", "quality_profile_id"}


def _rule(rule_id: int) -> FilterRule:
    return get_object_or_404(FilterRule.objects.listed(), pk=rule_id)


@router.get("", response=list[RuleOut], summary="Filter rules")
@paginate(Page)
def list_rules(request: HttpRequest) -> QuerySet:
    """Every rule, enabled or not, by name."""
    return FilterRule.objects.listed()


@router.post("", response={201: RuleOut, **errors(400)}, summary="Add a filter rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status:
    """400 says what is wrong: a bad regex names its position, a size rule min above max."""
    rule = services.save_filter_rule(None, **payload.dict())
    return Status(201, _rule(rule.pk))


@router.get("/{rule_id}", response={200: RuleOut, **errors(404)}, summary="One filter rule")
def get_rule(request: HttpRequest, rule_id: Id) -> FilterRule:
    return _rule(rule_id)


@router.patch(
    "/{rule_id}", response={200: RuleOut, **errors(400, 404)}, summary="Change a filter rule"
)
def update_rule(request: HttpRequest, rule_id: Id, payload: RulePatch) -> FilterRule:
    """Only the fields sent change; the rule is then checked as a whole (400 if unsound)."""
    values = payload.dict(exclude_unset=True)
    values = {k: v for k, v in values.items() if v is not None or k in NULLABLE}
    services.save_filter_rule(_rule(rule_id), **values)
    return _rule(rule_id)


@router.delete("/{rule_id}", response={204: None, **errors(404)}, summary="Delete a filter rule")
def delete_rule(request: HttpRequest, rule_id: Id) -> Status:
    get_object_or_404(FilterRule, pk=rule_id)
    services.delete_filter_rule(rule_id)
    return Status(204, None)
