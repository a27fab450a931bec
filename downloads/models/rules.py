"""Filter rules: the user's own allow, deny and prefer rules the matcher applies to every search."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from downloads.matching.rules import RuleSpec, rule_problem


class FilterRuleQuerySet(models.QuerySet):
    def for_profile(self, profile_id: int | None) -> FilterRuleQuerySet:
        """The enabled rules a search under this quality profile applies: the global ones and
        the profile's own, oldest first (the order reasons and explanations list them in)."""
        scope = Q(quality_profile__isnull=True)
        if profile_id is not None:
            scope |= Q(quality_profile_id=profile_id)
        return self.filter(scope, enabled=True).order_by("pk")

    def listed(self) -> FilterRuleQuerySet:
        """Every rule for the rules page and API, with its profile, by name."""
        return self.select_related("quality_profile").order_by("name", "pk")


class FilterRule(models.Model):
    """One rule: `deny folder \\Live\\`, `allow path \\.flac$`, `prefer folder web (+5)`.

    Allow and deny rules on the path, folder or user hold a case-insensitive regular expression
    (`pattern`); on the size, a `min_size` and/or `max_size` in bytes. Prefer rules hold `words`
    and the `bonus` a file containing one of them gets. Without a `quality_profile` a rule is
    global; with one, it applies only to searches under that profile. Validated by the service
    (`downloads.services.rules.save_filter_rule`), which every writer goes through.
    """

    class Kind(models.TextChoices):
        ALLOW = "allow", "Allow"
        DENY = "deny", "Deny"
        PREFER = "prefer", "Prefer"

    class Field(models.TextChoices):
        PATH = "path", "Path"
        FOLDER = "folder", "Folder"
        USER = "user", "User"
        SIZE = "size", "Size"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    field = models.CharField(max_length=10, choices=Field.choices)
    pattern = models.CharField(max_length=500, blank=True)
    words = models.JSONField(default=list, blank=True)
    bonus = models.IntegerField(default=0)
    min_size = models.PositiveBigIntegerField(null=True, blank=True)
    max_size = models.PositiveBigIntegerField(null=True, blank=True)
    quality_profile = models.ForeignKey(
        "library.QualityProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="filter_rules",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FilterRuleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.spec().label})"

    def clean(self) -> None:
        """The admin form's check; the service runs the same one for every other writer."""
        problem = rule_problem(self.spec())
        if problem:
            raise ValidationError(problem)

    def spec(self) -> RuleSpec:
        """The rule as the matcher reads it."""
        return RuleSpec(
            name=self.name,
            kind=self.kind,
            field=self.field,
            pattern=self.pattern,
            min_size=self.min_size,
            max_size=self.max_size,
            words=tuple(str(word) for word in self.words or ()),
            bonus=self.bonus,
        )
