from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from accounts.audit import Event, record_event
from accounts.models import (
    ApiKey,
    AuditEntry,
    SetupClaim,
    SpotifyAuthRequest,
    SpotifyConnection,
)


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
            if "revoked" in form.changed_data:
                verb = "revoked" if obj.revoked else "restored"
                record_event(request, Event(f"api key {verb}", object_repr=obj.name))
            return
        key, raw = ApiKey.generate(obj.name)
        obj.pk, obj.prefix, obj.hashed_key, obj.created_at = (
            key.pk,
            key.prefix,
            key.hashed_key,
            key.created_at,
        )
        # The name and prefix only: the raw key must not outlive this message, not even here.
        record_event(request, Event("api key created", object_repr=str(key)))
        # The raw key exists only in this message: it is stored hashed and cannot be shown again.
        messages.warning(
            request,
            f"New API key for “{key.name}”: {raw} — copy it now, it will not be shown again.",
        )

    def delete_model(self, request: HttpRequest, obj: ApiKey) -> None:
        name = str(obj)
        super().delete_model(request, obj)
        record_event(request, Event("api key deleted", object_repr=name))

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        names = [str(key) for key in queryset]
        super().delete_queryset(request, queryset)
        for name in names:
            record_event(request, Event("api key deleted", object_repr=name))

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset) -> None:
        keys = list(queryset.filter(revoked=False))
        updated = ApiKey.objects.filter(pk__in=[key.pk for key in keys]).update(revoked=True)
        for key in keys:
            record_event(request, Event("api key revoked", object_repr=str(key)))
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody adds, edits or deletes entries by hand."""

    list_display = ["at", "actor", "actor_kind", "action", "object_repr", "outcome", "ip"]
    list_filter = ["outcome", "actor_kind", "method"]
    search_fields = ["actor", "action", "object_repr", "path", "request_id", "ip"]
    date_hierarchy = "at"
    list_select_related = False  # no relations: every field is on the row
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SpotifyConnection)
class SpotifyConnectionAdmin(_ReadOnlyAdmin):
    """Who is connected and whether a reconnect is needed. The token fields are never listed:
    even encrypted they have no business on a page (connect and disconnect on the Spotify page)."""

    list_display = ["display_name", "spotify_user_id", "connected_at", "expires_at", "error"]
    list_filter = ["connected_at"]
    search_fields = ["spotify_user_id", "display_name"]
    list_select_related = False  # no relations
    fields = ["spotify_user_id", "display_name", "connected_at", "expires_at", "error"]
    readonly_fields = fields


@admin.register(SpotifyAuthRequest)
class SpotifyAuthRequestAdmin(_ReadOnlyAdmin):
    """Pending and past "Connect Spotify" attempts; the PKCE verifier is never shown."""

    list_display = ["created_at", "expires_at", "used_at"]
    list_filter = ["used_at"]
    search_fields = ["state"]
    list_select_related = False
    fields = ["created_at", "expires_at", "used_at"]
    readonly_fields = fields
