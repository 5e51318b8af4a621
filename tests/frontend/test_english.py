"""English, the second language of the web pages: the catalogs of frontend/ (in the
project's catalog, locale/, which settings.LOCALE_PATHS names) and satisfaction/ are
complete and compiled, and a page switched to English reads English."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.test_i18n import PLACEHOLDER, mo_string_count, parse_po
from tests.world import World

CJK = re.compile(r"[\u4e00-\u9fff]")

ROOT = Path(settings.BASE_DIR)
CATALOGS = [ROOT / "locale" / "en" / "LC_MESSAGES",
            ROOT / "satisfaction" / "locale" / "en" / "LC_MESSAGES"]


@pytest.mark.parametrize("folder", CATALOGS, ids=["project", "satisfaction"])
def test_the_catalog_is_complete_and_compiled(folder: Path) -> None:
    header, entries = parse_po(folder / "django.po")
    assert "Language: en\n" in header.msgstr[0]
    assert entries
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert mo_string_count(folder / "django.mo") == len(entries) + 1, "recompile with msgfmt"
    for entry in entries:
        assert "fuzzy" not in entry.flags, entry.msgid
        for text in entry.msgstr.values():
            assert text.strip(), entry.msgid
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], "stale .mo"


def test_the_pages_read_english_after_the_switch(world: World) -> None:
    client = Client()
    client.force_login(world.worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/apply/").content.decode()
    assert "Step 1 of 6: about you" in page
    assert "Skip to content" in page and "My cases" in page
    assert "第 1 步" not in page


def test_the_web_pages_strings_live_in_the_one_catalog_settings_names() -> None:
    assert [Path(p) for p in settings.LOCALE_PATHS] == [ROOT / "locale"]
    assert not (ROOT / "frontend" / "locale").exists()  # one place for the pages' English
    _header, entries = parse_po(CATALOGS[0] / "django.po")
    sources = (CATALOGS[0] / "django.po").read_text(encoding="utf-8")
    assert "frontend/templates/workspace/case.html" in sources
    assert "frontend/workspace/views.py" in sources
    assert all(text.strip() for e in entries for text in e.msgstr.values())


class Labels(HTMLParser):
    """The text of the frame and the page's own labels: navigation, headings, form
    labels, table headers, action buttons. Data (names, addresses) sits elsewhere."""

    WATCHED = {"nav", "h1", "h2", "summary", "label", "th", "legend", "button", "caption"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.WATCHED:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.WATCHED and tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if self.open and data.strip():
            self.texts.append(data.strip())


def chinese_labels(html: str) -> list[str]:
    parser = Labels()
    parser.feed(html)
    # The language switch names each language in its own words (中文).
    return [t for t in parser.texts if CJK.search(t) and t != "中文"]


def test_every_workspace_page_reads_english_after_the_switch(world: World) -> None:
    case = world.case_in("arbitration_review")
    pages = {
        "filing_officer": ["/workspace/", "/workspace/?tab=acceptance", f"/workspace/cases/{case.pk}/",
                           f"/workspace/cases/{case.pk}/actions/accept/",
                           f"/workspace/cases/{case.pk}/actions/refuse/",
                           "/workspace/hearings/"],
        "chair": ["/workspace/?tab=chair"],
        "mediator": ["/workspace/"],
    }
    for persona, urls in pages.items():
        client = Client()
        client.force_login(world.users[persona])
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            if response.status_code == 409:  # an action the state does not offer: its text
                html = html.split("<main", 1)[1]
            else:
                assert response.status_code == 200, (persona, url)
            assert '<html lang="en">' in response.content.decode()
            assert chinese_labels(html) == [], (persona, url)
    # The check itself can fail: the same page in Chinese is full of Chinese labels.
    client = Client()
    client.force_login(world.users["filing_officer"])
    assert "您现在可以执行的操作" in chinese_labels(
        client.get(f"/workspace/cases/{case.pk}/").content.decode())
