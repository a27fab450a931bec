from django.apps import AppConfig


class SoulspotConfig(AppConfig):
    name = "soulspot"
    verbose_name = "SoulSpot system"
