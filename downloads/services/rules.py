"""Filter rules: saving and deleting them, and reading the ones a search applies.

Every writer (the API, the rules page, the admin) goes through `save_filter_rule`, so a rule in
the database always compiles: the matcher never meets a bad regular expression mid-search.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from downloads.matching.rules import RuleSet, rule_problem
from downloads.models import FilterRule
from downloads.services.errors import DownloadError
from library.models import QualityProfile

# What a rule is made of; `save_filter_rule` takes these (and nothing else) as keywords.
EDITABLE = (
    "name",
    "kind",
    "field",
    "pattern",
    "words",
    "bonus",
    "min_size",
    "max_size",
    "quality_profile_id",
    "enabled",
)


class InvalidRule(DownloadError):
    """The rule cannot be saved as given (bad regex, min above max...); 400 with the reason."""


@transaction.atomic
def save_filter_rule(rule: FilterRule | None, **values: Any) -> FilterRule:
    """Create a rule (`rule=None`) or change the given fields of one; refuses an unsound rule.

    Only the fields passed change, and the rule is validated as a whole afterwards: a PATCH of
    the pattern alone is checked against the rule's kind and field.
    """
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidRule(f"unknown rule fields: {', '.join(sorted(unknown))}")
    rule = rule or FilterRule()
    for name, value in values.items():
        setattr(rule, name, value)
    _normalise(rule)
    problem = rule_problem(rule.spec())
    if problem:
        raise InvalidRule(problem)
    profile_id = rule.quality_profile_id
    if profile_id is not None and not QualityProfile.objects.filter(pk=profile_id).exists():
        raise InvalidRule(f"there is no quality profile #{rule.quality_profile_id}")
    rule.save()
    return rule


def _normalise(rule: FilterRule) -> None:
    """Keep only what the rule's kind uses, so the page and the API show no stale leftovers."""
    rule.name = (rule.name or "").strip()
    rule.words = [w.strip() for w in rule.words or [] if isinstance(w, str) and w.strip()]
    if rule.kind == FilterRule.Kind.PREFER:
        rule.pattern, rule.min_size, rule.max_size = "", None, None
    elif rule.field == FilterRule.Field.SIZE:
        rule.pattern, rule.words, rule.bonus = "", [], 0
    else:
        rule.min_size, rule.max_size, rule.words, rule.bonus = None, None, [], 0


def delete_filter_rule(rule_id: int) -> bool:
    """Delete one rule; False when it was already gone."""
    deleted, _ = FilterRule.objects.filter(pk=rule_id).delete()
    return deleted > 0


def rules_for_profile(profile_id: int | None) -> RuleSet:
    """The compiled rules a search under this profile applies (one query)."""
    return RuleSet(rule.spec() for rule in FilterRule.objects.for_profile(profile_id))


def rule_values(rule: FilterRule) -> dict[str, Any]:
    """The editable fields of a rule, as the page's form and `save_filter_rule` name them."""
    return {name: getattr(rule, name) for name in EDITABLE}
