"""Public pages: nothing from another origin, no script, small, Markdown rendered, the
test-instance banner, HEAD, and the help page on a fresh instance."""

import re

import pytest

from conftest import (LANGS, PAGES, assert_security_headers, css_href, header_values, raw_request,
                      strip_tags)

ALL_PAGES = [f"/{lang}{p}" for lang in LANGS for p in PAGES]
ERROR_PAGES = [f"/{lang}/no-such-page" for lang in LANGS]
EXTERNAL = re.compile(r"""\b(?:src|href|action|formaction|srcset|poster|data)\s*=\s*["']?\s*(?:https?:|//)""",
                      re.I)
EXIT_LINK = re.compile(r'<a class="exit" href="https://www\.gismeteo\.by/" rel="noreferrer">')
PAGE_BUDGET = 30_000   # bytes, page + stylesheet


@pytest.fixture(scope="module")
def stylesheet(sava):
    r = sava.get(css_href(sava.get("/en/").text))
    assert r.status_code == 200
    return r.content


@pytest.mark.parametrize("path", ALL_PAGES + ERROR_PAGES)
def test_nothing_from_another_origin_no_script_no_inline_style(sava, path):
    r = sava.get(path)
    assert r.status_code in (200, 404)
    text = EXIT_LINK.sub("", r.text, count=1)   # the one link out, which loads nothing
    bad = EXTERNAL.findall(text)
    assert not bad, f"{path} points to another origin: {bad}"
    assert not re.search(r"<script\b", text, re.I), f"{path} has a <script>"
    assert not re.search(r"<[a-z][^>]*\sstyle\s*=", text, re.I), f"{path} has an inline style="
    assert not re.search(r"<style\b", text, re.I), f"{path} has a <style> block"
    assert not re.search(r"<img\b", text, re.I), f"{path} has an <img>"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{path} has an inline event handler"


def test_stylesheet_loads_nothing_from_another_origin(stylesheet):
    css = stylesheet.decode("utf-8")
    assert "@import" not in css
    for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", css, re.I):
        assert not re.match(r"(?:https?:|//)", m.group(1).strip(), re.I), m.group(0)


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_plus_stylesheet_under_30kb(sava, stylesheet, path):
    r = sava.get(path)
    assert r.status_code == 200
    total = len(r.content) + len(stylesheet)
    assert total < PAGE_BUDGET, f"{path}: {len(r.content)} + {len(stylesheet)} = {total} bytes"


@pytest.mark.parametrize("doc", ["guide", "about"])
@pytest.mark.parametrize("lang", LANGS)
def test_markdown_pages_are_rendered(sava, lang, doc):
    r = sava.get(f"/{lang}/{doc}")
    assert r.status_code == 200
    assert re.search(r"<h1\b", r.text)
    assert re.search(r"<h2\b", r.text)
    main = re.search(r"<main\b.*?</main>", r.text, re.S).group(0)
    # Markdown syntax is rendered, not shown.
    assert not re.search(r"^#{1,6} ", strip_tags(main), re.M), "raw Markdown heading in the page"


@pytest.mark.parametrize("path", [p for p in ALL_PAGES if p.startswith("/en/")] + ["/en/no-such-page"])
def test_test_instance_banner_on_every_page(sava, path):
    r = sava.get(path)
    assert "Test instance" in r.text


def test_no_banner_on_production_instance(make_instance):
    inst = make_instance(fast=False)
    for path in [p for p in ALL_PAGES if p.startswith("/en/")] + ["/en/no-such-page"]:
        r = inst.get(path)
        assert r.status_code in (200, 404)
        assert "Test instance" not in r.text, f"{path} shows the test banner on a production instance"
        assert '<html lang="en">' in r.text


def test_head_has_same_headers_and_no_body(sava):
    get = raw_request(sava.port, "GET", "/en/")
    head = raw_request(sava.port, "HEAD", "/en/")
    assert get.status == 200 and head.status == 200
    assert len(get.body) > 0
    assert head.body == b"", f"HEAD sent a body: {head.body[:80]!r}"
    assert_security_headers(head)
    skip = {"date", "content-length", "set-cookie"}
    g = sorted((k.lower(), v) for k, v in get.headers if k.lower() not in skip)
    h = sorted((k.lower(), v) for k, v in head.headers if k.lower() not in skip)
    assert h == g


@pytest.mark.parametrize("lang", LANGS)
def test_help_page_says_not_accepted_on_fresh_instance(sava, lang):
    r = sava.get(f"/{lang}/help")
    assert r.status_code == 200
    assert not re.search(r"<form\b", r.text, re.I), "the help page offers a form before requests are taken"
    assert not re.search(r"<(input|textarea)\b", r.text, re.I)
    if lang == "en":
        assert "not accepted" in r.text


def test_links_stay_on_site(sava):
    """Every link on the landing page points to a path on this server that answers."""
    r = sava.get("/en/")
    hrefs = set(re.findall(r"\bhref=\"([^\"]*)\"", r.text))
    assert hrefs
    for h in sorted(hrefs):
        if h.startswith("#") or h == "https://www.gismeteo.by/":   # the exit link
            continue
        assert h.startswith("/") and not h.startswith("//"), h
        assert sava.get(h).status_code == 200, h
    assert header_values(r, "Content-Type")[0].startswith("text/html")


@pytest.mark.parametrize("path", ALL_PAGES + ERROR_PAGES)
def test_exit_this_page_in_every_public_header(sava, path):
    """A plain link out, without a referrer, at the top of every public page; the
    JavaScript notice is there for CSS to show only when scripts run (no <noscript>)."""
    text = sava.get(path).text
    header = text[text.index('<header class="site">'):text.index("</header>")]
    assert len(EXIT_LINK.findall(header)) == 1, path
    assert header.index('class="exit"') < header.index('class="main-nav'), "the exit link comes first"
    assert 'class="js-notice' in text and "<noscript" not in text
    assert '<details class="menu narrow"><summary>' in header   # the phone's one-row header


def test_exit_url_from_the_config(make_instance):
    inst = make_instance(conf={("site", "exit_url"): "https://example.org/weather?city=minsk"})
    text = inst.get("/be/").text
    assert '<a class="exit" href="https://example.org/weather?city=minsk" rel="noreferrer">' in text


def test_error_pages_say_error_in_the_title(sava):
    """A form answered with an error summary starts its title with "Error:" in the page's
    language; the same page without errors does not."""
    from intake_util import Requester
    for lang, word in (("en", "Error:"), ("ru", "Ошибка:"), ("be", "Памылка:")):
        rq = Requester(sava, lang)
        r = rq.open("12")
        assert r.status_code == 400 and 'class="error-summary"' in r.text
        assert re.search(r"<title>" + word + " ", r.text), re.search(r"<title>[^<]*", r.text).group(0)
        assert not re.search(r"<title>" + word, rq.mailbox().text)
