"""Chinese first: the pages speak Chinese unless the user chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC or a phone
set to English would get English pages nobody asked for. Here the pages take the language
from the language switch's cookie (`/i18n/setlang/`) and otherwise `LANGUAGE_CODE`
(简体中文). The REST API keeps Accept-Language: a program asks for the language it wants.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
