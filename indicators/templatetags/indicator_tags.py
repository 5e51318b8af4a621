"""Links from a number on the dashboard to the cases it counts."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from indicators.figures import Figure

register = template.Library()


@register.simple_tag
def cases_link(figure: Figure, part_key: str, scope_query: str = "") -> str:
    d = figure.definition
    params = urlencode({"indicator": d.code, "version": str(d.version), "part": part_key,
                        "start": f"{figure.period.first:%Y-%m}",
                        "end": f"{figure.period.last:%Y-%m}"})
    url = f"{reverse('indicators:cases')}?{params}"
    return f"{url}&{scope_query}" if scope_query else url
