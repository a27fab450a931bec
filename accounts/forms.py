from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxLengthValidator

from accounts.setup_token import setup_token_matches

# Far beyond any passphrase; a longer one is a form error, not megabytes to hash.
MAX_PASSWORD = 4096


class SetupForm(UserCreationForm):
    """The single account SoulSpot has; it is created as a superuser so the admin works too.

    It needs the one-time setup token `serve` printed, so reaching the port is not enough to
    take a fresh instance. `save()` only builds the user: `create_first_account` stores it.
    """

    setup_token = forms.CharField(
        max_length=64,
        strip=True,
        help_text="Printed by <code>manage.py serve</code> on start, and kept in the file "
        "<code>setup_token</code> in the data folder.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = ["setup_token", "username", "password1", "password2"]

    def clean_setup_token(self) -> str:
        token = self.cleaned_data["setup_token"]
        if not setup_token_matches(token):
            raise forms.ValidationError(
                "That is not the setup token. Copy it from the console where SoulSpot "
                "started, or from the setup_token file in the data folder."
            )
        return token

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):
            field = self.fields[name]
            field.max_length = MAX_PASSWORD
            field.validators.append(MaxLengthValidator(MAX_PASSWORD))
            field.widget.attrs["maxlength"] = str(MAX_PASSWORD)

    def save(self, commit: bool = False):
        user = super().save(commit=False)
        user.is_staff = True
        user.is_superuser = True
        return user
