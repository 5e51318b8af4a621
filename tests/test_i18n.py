"""The English catalog: complete, compiled, and actually used.

The source strings are Chinese; English comes from locale/en/LC_MESSAGES/django.po.
The compiled .mo is committed (a machine without gettext still gets English), so it
must not drift from the .po.
"""

from __future__ import annotations

import ast
import gettext
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from disputes.inputs import clean_claim_list
from disputes.models import Party, Status
from mediation.models import Organization

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """A small .po reader: the header entry and the others (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None  # which string a continuation line extends

    def finish() -> None:
        nonlocal current
        if current.line:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current.line and current.msgstr:
                finish()
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest)
        assert isinstance(value, str), f"line {number}: not a string"
        if keyword in ("msgctxt", "msgid") and current.msgstr:
            finish()
        if keyword in ("msgctxt", "msgid") and not current.line:
            current.line = number
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            current.msgstr[index], target = value, ("msgstr", index)
        elif keyword == "":
            assert target is not None, f"line {number}: continuation without a keyword"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
        else:
            raise AssertionError(f"line {number}: unexpected {keyword!r}")
    finish()
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "the catalog needs exactly one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


HEADER, ENTRIES = parse_po(PO_FILE)


def test_the_catalog_was_parsed() -> None:
    # Guards the parser: an empty list would make every check below vacuous.
    assert len(ENTRIES) > 250
    assert "Language: en\n" in HEADER.msgstr[0]
    assert "charset=UTF-8" in HEADER.msgstr[0]
    assert "fuzzy" not in HEADER.flags


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"line{e.line}")
def test_every_entry_is_translated_and_not_fuzzy(entry: Entry) -> None:
    assert "fuzzy" not in entry.flags
    expected_forms = 2 if entry.msgid_plural is not None else 1
    assert sorted(entry.msgstr) == list(range(expected_forms))
    for text in entry.msgstr.values():
        assert text.strip(), f"empty msgstr for {entry.msgid!r}"
        # Placeholders survive translation unchanged.
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid))


def mo_string_count(path: Path) -> int:
    data = path.read_bytes()
    (magic,) = struct.unpack("<I", data[:4])
    order = "<" if magic == 0x950412DE else ">"
    _magic, _revision, count = struct.unpack(f"{order}3I", data[:12])
    return int(count)


def test_the_committed_mo_matches_the_po() -> None:
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("language") == "en"
    assert mo_string_count(MO_FILE) == len(ENTRIES) + 1, "stale .mo: recompile with msgfmt"
    stale = []
    for entry in ENTRIES:
        if entry.msgid_plural is not None:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is not None
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
            want = [entry.msgstr[0], entry.msgstr[1]]
        else:
            got = [
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else compiled.gettext(entry.msgid)
            ]
            want = [entry.msgstr[0]]
        if got != want:
            stale.append((entry.msgid, got, want))
    assert not stale, f"stale .mo (recompile with msgfmt): {stale[:5]}"


def test_labels_are_english_under_en() -> None:
    with translation.override("en"):
        assert str(Status.ACCEPTED.label) == "Accepted"
        assert str(Status.NOT_ACCEPTED.label) == "Refused (not accepted)"
        assert str(Party.IdType.CREDIT_CODE.label) == "Unified social credit code"
        assert str(Organization.Kind.ARBITRATION_COMMISSION.label) == (
            "Labor and personnel dispute arbitration commission"
        )


def test_labels_are_chinese_under_zh_hans() -> None:
    with translation.override("zh-hans"):
        assert str(Status.ACCEPTED.label) == "已受理"
        assert str(Status.NOT_ACCEPTED.label) == "不予受理"
        assert str(Party.IdType.CREDIT_CODE.label) == "统一社会信用代码"


def test_validation_messages_are_translated_with_their_parameters() -> None:
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        clean_claim_list([{"item_type": "wages"}])
    with translation.override("en"):
        assert caught.value.messages[0].startswith("Claim 1 is invalid: ")
    with translation.override("zh-hans"):
        assert caught.value.messages[0].startswith("第 1 项请求有误：")


@pytest.mark.django_db
def test_the_pages_are_chinese_whatever_the_browser_asks_until_the_user_switches() -> None:
    from django.test import Client

    client = Client()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


@pytest.mark.django_db
def test_the_api_answers_in_the_language_a_program_asks_for() -> None:
    from django.test import Client

    answer = Client().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Language"] == "en"
