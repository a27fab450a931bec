"""Account writes: the first-run setup."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from accounts.models import SetupClaim
from accounts.setup_token import consume_setup_token
from soulspot.lib.errors import Conflict


class SetupClosed(Conflict):
    """First-run setup already happened (or an account was made another way)."""


def create_first_account(user: AbstractBaseUser) -> AbstractBaseUser:
    """Save `user` (built, password set, not saved) as the instance's first account.

    The singleton claim row and the user are written in one transaction, so of any number of
    concurrent setups exactly one succeeds; the others raise `SetupClosed` and write nothing.
    The setup token is consumed once the account is committed.
    """
    try:
        with transaction.atomic():
            SetupClaim.objects.create(id=SetupClaim.SINGLETON, username=user.get_username())
            if get_user_model().objects.exists():
                # `createsuperuser` made an account before anyone used the setup form.
                raise SetupClosed("SoulSpot is already set up; sign in instead.")
            user.save()
    except IntegrityError:
        raise SetupClosed("SoulSpot is already set up; sign in instead.") from None
    consume_setup_token()
    return user
