"""The rules for library files: quality profiles and the naming scheme (rows the user edits)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from library import quality
from library.naming import DEFAULT_TEMPLATES, validate_template


class QualityProfile(models.Model):
    """An ordered ladder of allowed qualities (best first) and the cutoff where upgrades stop."""

    name = models.CharField(max_length=100, unique=True)
    ladder = models.JSONField(default=quality.default_ladder)
    cutoff = models.CharField(max_length=20, default=quality.DEFAULT_CUTOFF)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="library_one_default_quality_profile",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = quality.validate_ladder(self.ladder, self.cutoff)
        if problems:
            raise ValidationError({"ladder": problems})

    @classmethod
    def get_default(cls) -> QualityProfile:
        profile = cls.objects.filter(is_default=True).first() or cls.objects.first()
        if profile is None:
            # get_or_create: two processes asking at once end with one profile, not an error.
            profile, _ = cls.objects.get_or_create(
                name="Lossless first", defaults={"is_default": True}
            )
        return profile


class NamingScheme(models.Model):
    """The library's file naming templates (a single row, pk=1), Lidarr-style tokens.

    Paths are always rendered through `library.naming`, which keeps them inside the music dir
    whatever the tags say; validation here only rejects templates that cannot work.
    """

    TEMPLATE_FIELDS = ("standard", "multi_disc", "various_artists", "various_artists_multi_disc")

    standard = models.CharField(max_length=1000, default=DEFAULT_TEMPLATES["standard"])
    multi_disc = models.CharField(
        "multi-disc albums", max_length=1000, default=DEFAULT_TEMPLATES["multi_disc"]
    )
    various_artists = models.CharField(
        "various-artists albums", max_length=1000, default=DEFAULT_TEMPLATES["various_artists"]
    )
    various_artists_multi_disc = models.CharField(
        "multi-disc various-artists albums",
        max_length=1000,
        default=DEFAULT_TEMPLATES["various_artists_multi_disc"],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "naming scheme"
        verbose_name_plural = "naming scheme"

    def __str__(self) -> str:
        return "Naming scheme"

    def clean(self) -> None:
        problems = {
            name: validate_template(getattr(self, name))
            for name in self.TEMPLATE_FIELDS
            if validate_template(getattr(self, name))
        }
        if problems:
            raise ValidationError(problems)

    def templates(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.TEMPLATE_FIELDS}

    @classmethod
    def load(cls) -> NamingScheme:
        scheme, _ = cls.objects.get_or_create(pk=1)
        return scheme
