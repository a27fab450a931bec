"""The rules for library files: quality profiles."""

from __future__ import annotations

from django.contrib import admin, messages

from library import services
from library.models import QualityProfile


@admin.register(QualityProfile)
class QualityProfileAdmin(admin.ModelAdmin):
    """The ladder is a JSON list of quality keys, best first (see library/quality.py)."""

    list_display = ["name", "cutoff", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name"]

    def save_model(self, request, obj: QualityProfile, form, change: bool) -> None:
        # Through the service, so "one default profile" holds here as in the API.
        try:
            services.save_quality_profile(
                obj,
                name=obj.name,
                ladder=obj.ladder,
                cutoff=obj.cutoff,
                is_default=obj.is_default,
            )
        except services.ProfileError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
