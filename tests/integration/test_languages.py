"""Languages: redirects into a language, the language of every page, the switcher, and
the fallback to English."""

import html
import re
from urllib.parse import urljoin

import pytest

from conftest import LANG_NAMES, LANGS, PAGES, header_values, html_lang, strip_tags

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def location(inst, r):
    """The redirect target as an absolute URL (a relative Location is resolved)."""
    locs = header_values(r, "Location")
    assert len(locs) == 1, f"expected one Location header, got {locs!r}"
    return urljoin(inst.base + "/", locs[0])


def anchors(text):
    """[(href, link text)] for every <a> in the page."""
    out = []
    for m in re.finditer(r"<a\b([^>]*)>(.*?)</a>", text, re.S):
        h = re.search(r"\bhref=\"([^\"]*)\"", m.group(1))
        out.append((html.unescape(h.group(1)) if h else None, html.unescape(strip_tags(m.group(2)))))
    return out


# ---------------------------------------------------------------- redirects

def test_root_redirects_to_default_language_ru(sava):
    r = sava.get("/")
    assert r.status_code == 302
    assert location(sava, r) == sava.base + "/ru/"


def test_root_redirects_to_configured_default_language(make_instance):
    inst = make_instance(conf={("site", "default_language"): "en"})
    r = inst.get("/")
    assert r.status_code == 302
    assert location(inst, r) == inst.base + "/en/"


@pytest.mark.parametrize("lang", LANGS)
def test_language_without_slash_redirects_permanently(sava, lang):
    r = sava.get(f"/{lang}")
    assert r.status_code == 301
    assert location(sava, r) == sava.base + f"/{lang}/"


@pytest.mark.parametrize("path", ["/de/", "/xx/guide", "/de/guide", "/EN/", "/english/"])
def test_unknown_language_is_404(sava, path):
    assert sava.get(path).status_code == 404


# ---------------------------------------------------------------- every page, every language

@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_page_language_and_switcher(sava, lang, page):
    r = sava.get(f"/{lang}{page}")
    assert r.status_code == 200
    assert html_lang(r.text) == lang
    assert header_values(r, "Content-Language") == [lang]
    links = anchors(r.text)
    for other in LANGS:
        if other == lang:
            continue
        want = (f"/{other}{page}", LANG_NAMES[other])
        assert want in links, f"no switcher link {want} on /{lang}{page}"
    # The current language is named, but is not a link.
    assert LANG_NAMES[lang] in strip_tags(r.text)
    assert not [a for a in links if a[1] == LANG_NAMES[lang]], \
        f"the current language {LANG_NAMES[lang]} is a link on /{lang}{page}"
    assert not [a for a in links if a[0] == f"/{lang}{page}" and a[1] in LANG_NAMES.values()]


@pytest.mark.parametrize("page", PAGES + ("/no-such-page",))
@pytest.mark.parametrize("lang", LANGS)
def test_title_and_h1_never_empty(sava, lang, page):
    """A missing translation falls back to English, never to nothing."""
    r = sava.get(f"/{lang}{page}")
    t = re.search(r"<title>(.*?)</title>", r.text, re.S)
    assert t, f"/{lang}{page} has no <title>"
    title = html.unescape(t.group(1)).strip()
    assert re.match(r"\w", title), f"/{lang}{page}: title {title!r} does not start with a word"
    h1s = re.findall(r"<h1\b[^>]*>(.*?)</h1>", r.text, re.S)
    assert h1s, f"/{lang}{page} has no <h1>"
    for h in h1s:
        assert html.unescape(strip_tags(h)).strip(), f"/{lang}{page} has an empty <h1>"


@pytest.mark.parametrize("lang", ["ru", "be"])
@pytest.mark.parametrize("page", ["/", "/guide", "/about", "/help", "/mailbox"])
def test_pages_are_translated(sava, lang, page):
    en = sava.get(f"/en{page}").text
    other = sava.get(f"/{lang}{page}").text
    main = re.search(r"<main\b.*?</main>", other, re.S)
    assert main, "no <main>"
    assert CYRILLIC.search(strip_tags(main.group(0))), f"/{lang}{page} main content has no Cyrillic"
    assert other != en
