from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxLengthValidator

# Far beyond any passphrase; a longer one is a form error, not megabytes to hash.
MAX_PASSWORD = 4096


class SetupForm(UserCreationForm):
    """The single account SoulSpot has; it is created as a superuser so the admin works too."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):
            field = self.fields[name]
            field.max_length = MAX_PASSWORD
            field.validators.append(MaxLengthValidator(MAX_PASSWORD))
            field.widget.attrs["maxlength"] = str(MAX_PASSWORD)

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.is_staff = True
        user.is_superuser = True
        if commit:
            user.save()
        return user
