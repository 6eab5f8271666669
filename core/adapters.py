from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are opened by coordinators and admins; there is no public sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
