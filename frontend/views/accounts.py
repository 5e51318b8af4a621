"""Login and logout for the web pages, with the same lockout as the API's token login.

Both count attempts on the key `login:<username>` (api.guards), so five wrong passwords
lock the account for the web and the API alike, and a success on either clears it.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api import guards
from api.views.auth import login_key

log = logging.getLogger(__name__)


class GuardedAuthenticationForm(AuthenticationForm):
    """Django's form, with each attempt counted before the password is checked."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.error_messages["invalid_login"] = _("用户名或密码不正确。")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        key = login_key(username)
        attempt = guards.begin_attempt(key, guards.login_limit())
        if not attempt.allowed:
            assert attempt.locked_until is not None
            raise self.locked_error(attempt.locked_until)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            log.info("web login failed (lockout %s)",
                     "started" if attempt.locked_until else "not yet")
            if attempt.locked_until is not None:
                raise self.locked_error(attempt.locked_until) from None
            raise
        guards.clear(key)
        return cleaned

    @staticmethod
    def locked_error(until: guards.dt.datetime) -> forms.ValidationError:
        seconds = guards.retry_after_seconds(until)
        minutes = max(1, (seconds + 59) // 60)
        return forms.ValidationError(
            ngettext(
                "登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试。",
                "登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试。",
                minutes,
            ) % {"minutes": minutes},
            code="locked",
        )


class LoginView(auth_views.LoginView):
    template_name = "frontend/accounts/login.html"
    authentication_form = GuardedAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anybody out."""
