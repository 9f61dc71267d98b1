"""Security headers on every kind of response, caching, and Onion-Location."""

import re

import pytest

from conftest import (Visitor, assert_security_headers, css_href, header_values, raw_request)

ONION = ("abcdefghijklmnopqrstuvwxyz234567" * 2)[:56] + ".onion"


def _css_url(inst):
    return css_href(inst.get("/en/").text)


def _post_form(inst, path, body, **headers):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers)
    return inst.post(path, data=body, headers=h)


# name -> (function of the instance returning a response, expected status, cache kind)
CASES = {
    "page 200": (lambda s: s.get("/en/guide"), 200, "no-store"),
    "landing ru 200": (lambda s: s.get("/ru/"), 200, "no-store"),
    "help 200": (lambda s: s.get("/be/help"), 200, "no-store"),
    "mailbox 200": (lambda s: s.get("/en/mailbox"), 200, "no-store"),
    "HEAD 200": (lambda s: s.head("/en/"), 200, "no-store"),
    "root 302": (lambda s: s.get("/"), 302, "no-store"),
    "lang 301": (lambda s: s.get("/en"), 301, "no-store"),
    "unknown 404": (lambda s: s.get("/en/no-such-page"), 404, "no-store"),
    "POST 405": (lambda s: _post_form(s, "/en/", "a=b"), 405, "no-store"),
    "PUT 405": (lambda s: s.request("PUT", "/en/guide", data="x"), 405, "no-store"),
    "body 413": (lambda s: _post_form(s, "/en/mailbox/leave", "csrf=" + "1" * 4992), 413, "no-store"),
    "target 414": (lambda s: raw_request(s.port, "GET", "/en/guide?q=" + "a" * 3000), 414, "no-store"),
    "type 415": (lambda s: s.post("/en/mailbox", data="receipt=1",
                                  headers={"Content-Type": "text/plain"}), 415, "no-store"),
    "headers 431": (lambda s: raw_request(s.port, "GET", "/en/guide", headers=[("X-Pad", "a" * 9000)]),
                    431, "no-store"),
    "malformed 400": (lambda s: Visitor(s).post(body=f"csrf={Visitor(s).token}&receipt=%zz"), 400, "no-store"),
    "receipt 400": (lambda s: Visitor(s).post([("receipt", "abcd efgh ijkl mnop")]), 400, "no-store"),
    "csrf 403": (lambda s: _post_form(s, "/en/mailbox", "receipt=1234567890123456"), 403, "no-store"),
    "mailbox POST 200": (lambda s: Visitor(s).post([("receipt", "1234 5678 9012 3456")]), 200, "no-store"),
    "stylesheet 200": (lambda s: s.get(_css_url(s)), 200, "static"),
    "stylesheet 304": (lambda s: s.get(_css_url(s), headers={
        "If-None-Match": header_values(s.get(_css_url(s)), "ETag")[0]}), 304, "static"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_response_carries_security_headers(sava, name):
    fn, status, cache = CASES[name]
    r = fn(sava)
    got = r.status if hasattr(r, "status") else r.status_code
    assert got == status, f"{name}: expected {status}, got {got}"
    assert_security_headers(r, cache=cache)
    sava.assert_answers()


def test_malformed_case_really_has_valid_csrf(sava):
    """The 400 above must come from the body, not from a CSRF failure: the same visitor
    with a well-formed body gets 200."""
    v = Visitor(sava)
    assert v.post(body=f"csrf={v.token}&receipt=%zz").status_code == 400
    assert v.post(body=f"csrf={v.token}&receipt=1234567890123456").status_code == 200


def test_stylesheet_is_versioned_cacheable_and_revalidates(sava):
    href = _css_url(sava)
    assert re.fullmatch(r"/static/sava\.css\?v=[0-9A-Za-z_-]+", href), href
    r = sava.get(href)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/css")
    assert len(r.content) > 0
    etags = header_values(r, "ETag")
    assert len(etags) == 1 and etags[0]
    r2 = sava.get(href, headers={"If-None-Match": etags[0]})
    assert r2.status_code == 304
    assert header_values(r2, "ETag") == etags
    assert r2.content == b""
    # A stale ETag gets the full stylesheet again.
    r3 = sava.get(href, headers={"If-None-Match": '"not-the-etag"'})
    assert r3.status_code == 200
    assert r3.content == r.content


def test_pages_are_no_store_not_cacheable(sava):
    for path in ("/en/", "/ru/guide", "/be/about", "/en/help", "/en/mailbox"):
        cc = sava.get(path).headers.get("Cache-Control", "")
        directives = [d.strip().lower() for d in cc.split(",")]
        assert "no-store" in directives, f"{path}: Cache-Control {cc!r}"
        assert not any(d.startswith("max-age=") and d != "max-age=0" for d in directives), path


def test_onion_location_when_configured(make_instance):
    inst = make_instance(conf={("site", "onion_address"): ONION})
    r = inst.get("/en/guide")
    assert r.status_code == 200
    assert header_values(r, "Onion-Location") == [f"http://{ONION}/en/guide"]


def test_no_onion_location_without_onion_address(sava):
    r = sava.get("/en/guide")
    assert r.status_code == 200
    assert header_values(r, "Onion-Location") == []
