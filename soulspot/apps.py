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

        # The worker applies changed runtime settings before each task, as the web process
        # does before each request (soulspot.runtime_settings.middleware).
        from django_q.signals import pre_execute

        from soulspot.runtime_settings.overlay import on_task

        pre_execute.connect(on_task, dispatch_uid="soulspot-runtime-settings")
