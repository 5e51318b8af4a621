"""api/renderers.py: orjson's bytes are DRF's JSONRenderer's bytes, for every kind of value
the API answers with."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from api.renderers import FastJSONRenderer

BEIJING = dt.timezone(dt.timedelta(hours=8))
SERIALIZER: Any = None  # what DRF's containers keep a reference to; unused here

VALUES: list[Any] = [
    {"id": 1, "name": "东西湖区劳动人事争议仲裁委员会", "ok": True, "none": None, "n": 1.5},
    [1, 2, {"nested": ["a", {"b": None}]}],
    {"on": dt.date(2026, 11, 29), "at": dt.datetime(2026, 11, 29, 8, 30, 1, 123456, tzinfo=dt.UTC),
     "local": dt.datetime(2026, 11, 29, 16, 30, tzinfo=BEIJING),
     "naive": dt.datetime(2026, 11, 29, 8, 30), "time": dt.time(9, 15, 30, 250000)},
    {"amount": Decimal("12000.00"), "uuid": uuid.UUID(int=7), "label": gettext_lazy("放假")},
    {"separators": "line\u2028paragraph\u2029end", "quote": 'a "b" \\ c', "ctl": "\t\n"},
    {1: "integer key", "2": "text key"},
    ReturnDict({"a": ReturnList([1, 2], serializer=SERIALIZER)}, serializer=SERIALIZER),
    ("tuple", "of", "text"),
    [],
    {},
]


@pytest.mark.parametrize("value", VALUES)
def test_the_same_bytes_as_drfs_renderer(value: Any) -> None:
    assert FastJSONRenderer().render(value) == JSONRenderer().render(value)


def test_indented_json_on_request_and_nothing_for_none() -> None:
    value = {"a": [1, 2]}
    accepted = "application/json; indent=2"
    assert FastJSONRenderer().render(value, accepted) == JSONRenderer().render(value, accepted)
    assert b"\n  " in FastJSONRenderer().render(value, accepted)
    assert FastJSONRenderer().render(None) == b""


def test_what_orjson_cannot_encode_goes_through_drfs_renderer() -> None:
    value = {"big": 2**70}
    assert FastJSONRenderer().render(value) == JSONRenderer().render(value)


def test_the_api_answers_with_it(client: Any, db: None) -> None:
    response = client.post("/api/v1/public/status/", {"tracking_number": "LD1"},
                           content_type="application/json")
    assert response.status_code == 400
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert response["Content-Type"] == "application/json"
