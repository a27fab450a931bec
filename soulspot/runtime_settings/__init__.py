"""Settings a user changes after the first start, kept in the database.

How it fits together:

- `registry.FIELDS` lists every such setting by its environment variable's name: its type,
  bounds, group, label and help, whether it is a secret, and the `django.conf.settings`
  attribute the code reads (with a scale, e.g. minutes in the UI, seconds in the code).
- Its default is the value `soulspot/settings.py` computed from the environment when the
  process started (`overlay.ENV_DEFAULTS`, taken before anything is overlaid).
- A changed value is a `RuntimeSetting` row (secrets encrypted with `soulspot.lib.secret_box`).
  The row wins over the environment once it exists; a reset deletes it and the environment's
  value applies again.
- Every app keeps reading `settings.X`: `overlay.ensure_fresh()` copies the rows onto
  `django.conf.settings` (setattr) on first use and whenever the rows' version (their count and
  latest `updated_at`) changed, looking at most once every
  `SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS` per process. The web process calls it from
  `RuntimeSettingsMiddleware`, the worker before each task (django-q's `pre_execute` signal,
  connected in `SoulspotConfig.ready`), and a change made through the API or the page is
  applied in that process at once.
"""

from __future__ import annotations

from soulspot.runtime_settings.overlay import ENV_DEFAULTS, ensure_fresh, forget
from soulspot.runtime_settings.registry import FIELDS, GROUPS, SettingField
from soulspot.runtime_settings.store import (
    SettingsInvalid,
    SettingView,
    current_settings,
    default_settings,
    reset_settings,
    update_settings,
)

__all__ = [
    "ENV_DEFAULTS",
    "FIELDS",
    "GROUPS",
    "SettingField",
    "SettingView",
    "SettingsInvalid",
    "current_settings",
    "default_settings",
    "ensure_fresh",
    "forget",
    "reset_settings",
    "update_settings",
]
