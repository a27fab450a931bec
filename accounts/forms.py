from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm


class SetupForm(UserCreationForm):
    """The single account SoulSpot has; it is created as a superuser so the admin works too."""

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.is_staff = True
        user.is_superuser = True
        if commit:
            user.save()
        return user
