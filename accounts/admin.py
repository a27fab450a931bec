from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from accounts.models import ApiKey, SetupClaim


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "revoked", "created_at", "last_used_at"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["name", "revoked", "prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = ApiKey.generate(obj.name)
        obj.pk, obj.prefix, obj.hashed_key, obj.created_at = (
            key.pk,
            key.prefix,
            key.hashed_key,
            key.created_at,
        )
        # The raw key exists only in this message: it is stored hashed and cannot be shown again.
        messages.warning(
            request,
            f"New API key for “{key.name}”: {raw} — copy it now, it will not be shown again.",
        )

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset) -> None:
        updated = queryset.update(revoked=True)
        messages.success(request, f"Revoked {updated} key(s).")


@admin.register(SetupClaim)
class SetupClaimAdmin(admin.ModelAdmin):
    """Read-only record of the first-run setup; deleting it does not reopen setup while an
    account exists."""

    list_display = ["username", "claimed_at"]
    list_filter = ["claimed_at"]
    search_fields = ["username"]
    readonly_fields = ["username", "claimed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SetupClaim | None = None) -> bool:
        return False
