from __future__ import annotations

from django.apps import AppConfig
from django.urls import register_converter


class SoulspotConfig(AppConfig):
    name = "soulspot"
    verbose_name = "SoulSpot system"

    def ready(self) -> None:
        from soulspot.lib.converters import IdConverter

        # Before any urls.py is loaded: every app's `<id:...>` segments use it.
        register_converter(IdConverter, "id")
