"""Copies the stored runtime settings onto `django.conf.settings` in this process."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Max

from soulspot.lib.secret_box import SecretBoxError, decrypt
from soulspot.models import RuntimeSetting
from soulspot.runtime_settings.registry import FIELDS, SettingField

logger = logging.getLogger(__name__)

# The environment's values, as settings.py computed them, before anything was overlaid: this
# module is imported while the app registry starts (SoulspotConfig.ready), before any overlay.
# Read by the registry's names, without a default: a setting missing from settings.py fails here.
ENV_DEFAULTS: dict[str, Any] = {
    key: settings.__getattr__(f.setting_name) for key, f in FIELDS.items()
}

_state: dict[str, Any] = {"checked_at": None, "version": None, "applied": set()}


def ensure_fresh() -> None:
    """Overlay the stored values if they changed since this process last looked.

    Looks at most once every SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS; cheap (one aggregate
    query) when nothing changed. A database that cannot be read (not migrated yet, down)
    leaves the settings as they are: the environment's values still work.
    """
    now = time.monotonic()
    checked_at = _state["checked_at"]
    interval = settings.SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS
    if checked_at is not None and now - checked_at < interval:
        return
    _state["checked_at"] = now
    try:
        if _version() != _state["version"]:
            apply()
    except DatabaseError as exc:
        logger.warning("runtime settings not read: %s", exc)


def apply() -> None:
    """Overlay every stored value now; a key no longer stored gets its environment value back."""
    version = _version()
    rows = dict(RuntimeSetting.objects.values_list("key", "value"))
    applied: set[str] = set()
    for key, value in rows.items():
        field = FIELDS.get(key)
        if field is None:
            continue  # a setting a later version dropped: harmless, ignored
        try:
            setattr(settings, field.setting_name, field.to_setting(stored_value(field, value)))
        except SecretBoxError as exc:
            logger.warning("runtime setting %s cannot be decrypted (%s): not applied", key, exc)
            continue
        applied.add(key)
    for key in _state["applied"] - applied:
        setattr(settings, FIELDS[key].setting_name, ENV_DEFAULTS[key])
    _state.update(version=version, applied=applied, checked_at=time.monotonic())


def stored_value(field: SettingField, value: Any) -> Any:
    """A row's JSON value in clear (secrets are stored encrypted)."""
    return decrypt(value) if field.secret else value


def forget(*, checked: bool = False) -> None:
    """Forget what this process overlaid (tests: a fresh process). `checked`: count as
    having just looked, so the next look waits for the interval."""
    checked_at = time.monotonic() if checked else None
    _state.update(checked_at=checked_at, version=None, applied=set())


def _version() -> tuple[int, Any]:
    summary = RuntimeSetting.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return summary["count"], summary["latest"]


def on_task(**kwargs: Any) -> None:
    """django-q's `pre_execute` receiver: the worker looks before every task."""
    ensure_fresh()
