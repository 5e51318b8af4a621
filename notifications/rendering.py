"""Rendering the editable templates: plain text, plain values, errors as data.

A template staff broke in the admin must not stop the worker or a case: rendering answers
the text or the error, and the message is recorded as failed with that error, where staff
see it in the case's notification log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

from notifications.models import MessageTemplate

# Plain text: nothing is HTML-escaped in an SMS or a plain-text e-mail.
_ENGINE = Engine(autoescape=False, debug=False, string_if_invalid="")

SUBJECT_MAX = 200


def compile_check(source: str) -> str | None:
    """The syntax error in a template source, or None (the admin form uses it)."""
    try:
        _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    error: str = ""


class TemplateBook:
    """The active templates, read once per pass (one query), compiled on first use."""

    def __init__(self, templates: Iterable[MessageTemplate]) -> None:
        self._rows = {(t.code, t.channel): t for t in templates}
        self._compiled: dict[tuple[str, str], Any] = {}

    @classmethod
    def load(cls) -> TemplateBook:
        return cls(MessageTemplate.objects.filter(is_active=True))

    def has(self, code: str, channel: str) -> bool:
        return (code, channel) in self._rows

    def render(self, code: str, channel: str, context: Mapping[str, Any]) -> Rendered:
        row = self._rows[(code, channel)]
        try:
            subject, body = self._compiled_pair(code, channel, row)
            ctx = Context(dict(context), autoescape=False)
            return Rendered(subject.render(ctx).strip()[:SUBJECT_MAX], body.render(ctx).strip())
        except Exception as exc:  # a template staff edited: any error is the message's error
            return Rendered("", "", f"模板错误（{code}/{channel}）：{type(exc).__name__}: {exc}")

    def _compiled_pair(self, code: str, channel: str, row: MessageTemplate) -> Any:
        key = (code, channel)
        if key not in self._compiled:
            self._compiled[key] = (_ENGINE.from_string(row.subject),
                                   _ENGINE.from_string(row.body))
        return self._compiled[key]


def chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_datetime(moment: dt.datetime | str | None) -> str:
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{chinese_date(moment.date())} {moment:%H:%M}"


def date_from(value: Any) -> dt.date | None:
    """A date from an event payload (stored as ISO text)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def sign() -> str:
    return str(settings.SMS_SIGN_NAME)
