"""English, the second language of the web pages: the catalogs of frontend/ and
satisfaction/ are complete and compiled, and a page switched to English reads English."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.test_i18n import PLACEHOLDER, mo_string_count, parse_po
from tests.world import World

CATALOGS = [Path(settings.BASE_DIR) / app / "locale" / "en" / "LC_MESSAGES"
            for app in ("frontend", "satisfaction")]


@pytest.mark.parametrize("folder", CATALOGS, ids=lambda p: p.parts[-4])
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
