"""Services: read, change and reset the runtime settings (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from soulspot.lib.errors import SoulSpotError
from soulspot.lib.secret_box import SecretBoxError, encrypt
from soulspot.models import RuntimeSetting
from soulspot.runtime_settings import overlay
from soulspot.runtime_settings.registry import FIELDS, InvalidValue, SettingField


class SettingsInvalid(SoulSpotError):
    """A change names an unknown setting or a value it cannot take: `KEY: why` (the first);
    `errors` has every refused key and why, for a form to show beside each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        key, why = next(iter(errors.items()))
        super().__init__(f"{key}: {why}")


@dataclass(frozen=True)
class SettingView:
    """What a page or the API shows of one setting: secrets only as set or not."""

    field: SettingField
    value: Any
    source: str  # "environment" | "database"

    @property
    def is_set(self) -> bool:
        return self.value not in ("", None, [])

    def public_value(self) -> Any:
        return {"set": self.is_set} if self.field.secret else self.value


def current_settings() -> list[SettingView]:
    """Every runtime setting with the value in force: the stored one, else the environment's."""
    rows = dict(RuntimeSetting.objects.values_list("key", "value"))
    views = []
    for key, field in FIELDS.items():
        if key in rows:
            try:
                value = overlay.stored_value(field, rows[key])
            except SecretBoxError:
                value = ""  # unreadable: shown as not set, and not applied either
            views.append(SettingView(field, value, "database"))
        else:
            views.append(SettingView(field, _env_default(field), "environment"))
    return views


def default_settings() -> list[SettingView]:
    """Every runtime setting with the environment's value (what a reset brings back)."""
    return [SettingView(f, _env_default(f), "environment") for f in FIELDS.values()]


def update_settings(changes: dict[str, Any], *, only_changed: bool = False) -> list[str]:
    """Validate every change, store them together and apply them in this process at once.

    Nothing is stored when one value is refused: SettingsInvalid names its key. With
    `only_changed` (a form sends every field), a value equal to the one in force is not stored,
    so it keeps following the environment. Returns the keys stored.
    """
    cleaned = _clean_all(changes)
    if only_changed:
        in_force = {view.field.key: view.value for view in current_settings()}
        cleaned = {k: v for k, v in cleaned.items() if v != in_force[k]}
    with transaction.atomic():
        for key, value in cleaned.items():
            stored = encrypt(value) if FIELDS[key].secret else value
            RuntimeSetting.objects.update_or_create(key=key, defaults={"value": stored})
    overlay.apply()
    return list(cleaned)


def reset_settings(keys: list[str] | None = None) -> int:
    """Delete the stored values of `keys` (all when None): the environment's apply again.

    Returns how many stored values went.
    """
    unknown = [k for k in keys or [] if k not in FIELDS]
    if unknown:
        raise SettingsInvalid({unknown[0][:100]: "not a runtime setting"})
    with transaction.atomic():
        rows = RuntimeSetting.objects.all()
        if keys is not None:
            rows = rows.filter(key__in=keys)
        deleted, _ = rows.delete()
    overlay.apply()
    return deleted


def _clean_all(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned, errors = {}, {}
    for key, raw in changes.items():
        field = FIELDS.get(key)
        if field is None:
            errors[key[:100]] = "not a runtime setting"
            continue
        try:
            cleaned[key] = field.clean(raw)
        except InvalidValue as exc:
            errors[key] = str(exc)
    if errors:
        raise SettingsInvalid(errors)
    return cleaned


def _env_default(field: SettingField) -> Any:
    return field.from_setting(overlay.ENV_DEFAULTS[field.key])
