from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from core.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are opened by coordinators and admins; there is no public sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address the rate limits (failed sign-ins) and the session list record: the client
        as the trusted proxies report it, not the load balancer."""
        return client_ip(request) or super().get_client_ip(request)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """Every change, set or reset of a password ends the credentials that outlive a sign-in."""
        from core import services
        from core.models import User

        super().set_password(user, password)
        if isinstance(user, User):
            services.user_credentials_revoke(user=user, reason="password changed")
