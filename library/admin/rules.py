"""The rules for library files: quality profiles and the naming scheme (a single row)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from library import services
from library.models import NamingScheme, QualityProfile
from library.naming import services as naming_services


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


@admin.register(NamingScheme)
class NamingSchemeAdmin(admin.ModelAdmin):
    """One row; `NamingScheme.clean` validates every template before it is saved."""

    list_display = ["__str__", "standard", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not NamingScheme.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseRedirect:
        scheme = NamingScheme.load()  # straight to the one row
        return HttpResponseRedirect(reverse("admin:library_namingscheme_change", args=[scheme.pk]))

    def save_model(self, request, obj: NamingScheme, form, change: bool) -> None:
        # Through the service, as the naming page and the API save it.
        obj.pk = naming_services.save_naming_scheme(obj.templates()).pk
