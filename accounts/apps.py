from __future__ import annotations

from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from accounts import audit

        signals.user_logged_in.connect(audit.record_login, dispatch_uid="audit-login")
        signals.user_login_failed.connect(audit.record_login_failure, dispatch_uid="audit-fail")
        signals.user_logged_out.connect(audit.record_logout, dispatch_uid="audit-logout")
        # Lockouts exist only where django-axes (login throttling) is installed; importing
        # its signals without the app loads models Django refuses.
        if not apps.is_installed("axes"):
            return
        try:
            import axes.signals
        except ImportError:
            return
        axes.signals.user_locked_out.connect(audit.on_locked_out, dispatch_uid="audit-lockout")
