"""CSRF on the mailbox form (the one POST form for now), and the receipt answers."""

import re

import pytest

from conftest import (Visitor, csrf_token, header_values, parse_set_cookie, raw_request,
                      set_cookies)

NO_MAILBOX = "We could not open a mailbox"


def without_token(text):
    return re.sub(r'(name="csrf"\s+value=")[^"]*(")', r"\1\2", text)


# ---------------------------------------------------------------- the cookie and the form

def test_first_visit_sets_anonymous_form_cookie(sava):
    r = sava.get("/en/mailbox")
    assert r.status_code == 200
    cookies = set_cookies(r)
    assert len(cookies) == 1, cookies
    name, value, attrs = parse_set_cookie(cookies[0])
    assert name == "sava_a"
    assert len(value) >= 22, "the form secret is too short to be random"
    assert attrs.get("httponly") is True
    assert str(attrs.get("samesite", "")).lower() == "strict"
    assert attrs.get("path") == "/"
    assert "secure" not in attrs, "Secure on a plain-http instance: the browser would drop the cookie"
    assert "domain" not in attrs
    form = re.search(r"<form\b[^>]*>.*?</form>", r.text, re.S)
    assert form, "no form"
    f = form.group(0)
    assert re.search(r'\bmethod="post"', f, re.I)
    assert csrf_token(f)
    assert re.search(r'<input\b[^>]*\bname="receipt"', f)


def test_each_visitor_gets_a_different_secret_and_token(sava):
    a, b = Visitor(sava), Visitor(sava)
    assert a.cookie_value != b.cookie_value
    assert a.token != b.token
    assert a.token != a.cookie_value, "the token must not be the cookie itself"


def test_returning_visitor_keeps_cookie_and_token(sava):
    v = Visitor(sava)
    r = sava.get("/en/mailbox", headers={"Cookie": v.cookie_header})
    assert r.status_code == 200
    assert set_cookies(r) == [], "a visitor with a valid cookie got a new one"
    assert csrf_token(r.text) == v.token
    # Also in another language.
    r = sava.get("/ru/mailbox", headers={"Cookie": v.cookie_header})
    assert set_cookies(r) == []
    assert csrf_token(r.text) == v.token


def test_garbage_cookie_is_replaced(sava):
    r = sava.get("/en/mailbox", headers={"Cookie": "sava_a=not-a-valid-secret"})
    assert r.status_code == 200
    cookies = [parse_set_cookie(c) for c in set_cookies(r)]
    assert [c[0] for c in cookies] == ["sava_a"]
    assert cookies[0][1] != "not-a-valid-secret"


# ---------------------------------------------------------------- refusals

def test_post_without_cookie_is_403(sava):
    v = Visitor(sava)
    r = v.post([("receipt", "1234 5678 9012 3456")], cookie=False)
    assert r.status_code == 403
    assert "403" in r.text


def test_post_with_wrong_token_is_403(sava):
    v = Visitor(sava)
    wrong = v.token[:-2] + ("AA" if not v.token.endswith("AA") else "BB")
    assert v.post([("receipt", "1234 5678 9012 3456")], token=wrong).status_code == 403
    assert v.post([("receipt", "1234 5678 9012 3456")], token="x").status_code == 403
    assert v.post([("receipt", "1234 5678 9012 3456")], token="").status_code == 403


def test_post_with_missing_token_is_403(sava):
    v = Visitor(sava)
    assert v.post([("receipt", "1234 5678 9012 3456")], token=False).status_code == 403


def test_post_with_cookie_value_as_token_is_403(sava):
    v = Visitor(sava)
    assert v.post([("receipt", "1234 5678 9012 3456")], token=v.cookie_value).status_code == 403


def test_post_with_another_visitors_token_is_403(sava):
    a, b = Visitor(sava), Visitor(sava)
    assert a.post([("receipt", "1234 5678 9012 3456")], token=b.token).status_code == 403
    assert b.post([("receipt", "1234 5678 9012 3456")], token=a.token).status_code == 403


def test_403_in_request_language(sava):
    v = Visitor(sava, lang="ru")
    r = v.post([("receipt", "1234 5678 9012 3456")], token=False)
    assert r.status_code == 403
    assert '<html lang="ru">' in r.text


def test_refusals_change_nothing(sava):
    v = Visitor(sava)
    other = Visitor(sava)
    for kw in ({"cookie": False}, {"token": False}, {"token": other.token}, {"token": "A" * 43}):
        r = v.post([("receipt", "1234 5678 9012 3456")], **kw)
        assert r.status_code == 403
    # The visitor's cookie and token still work, and are still the same.
    r = sava.get("/en/mailbox", headers={"Cookie": v.cookie_header})
    assert set_cookies(r) == []
    assert csrf_token(r.text) == v.token
    r = v.post([("receipt", "1234 5678 9012 3456")])
    assert r.status_code == 200
    assert 'class="field-message"' not in r.text
    sava.assert_answers()


# ---------------------------------------------------------------- TLS cookie

def test_tls_instance_uses_host_prefixed_secure_cookie(make_instance):
    inst = make_instance(conf={("server", "tls"): "yes"})
    r = raw_request(inst.port, "GET", "/en/mailbox")
    assert r.status == 200
    cookies = r.getlist("Set-Cookie")
    assert len(cookies) == 1, cookies
    name, value, attrs = parse_set_cookie(cookies[0])
    assert name == "__Host-a"
    assert value
    assert "secure" in attrs
    assert attrs.get("path") == "/"
    assert "domain" not in attrs
    assert attrs.get("httponly") is True
    assert str(attrs.get("samesite", "")).lower() == "strict"
    # The __Host- cookie is the one that is honoured; sava_a is not.
    token = csrf_token(r.text)
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    body = f"csrf={token}&receipt=1234567890123456"
    assert inst.post("/en/mailbox", data=body, headers={**h, "Cookie": f"__Host-a={value}"}).status_code == 200
    assert inst.post("/en/mailbox", data=body, headers={**h, "Cookie": f"sava_a={value}"}).status_code == 403


# ---------------------------------------------------------------- receipts

@pytest.mark.parametrize("receipt", ["1234 5678 9012 3456", "1234-5678-9012-3456", "1234567890123456"])
def test_well_formed_unknown_receipt_opens_no_mailbox(sava, receipt):
    v = Visitor(sava)
    r = v.post([("receipt", receipt)])
    assert r.status_code == 200
    assert NO_MAILBOX in r.text
    assert '<html lang="en">' in r.text
    assert "no-store" in [d.strip() for d in r.headers.get("Cache-Control", "").split(",")]


def test_receipt_not_echoed(sava):
    v = Visitor(sava)
    r = v.post([("receipt", "9876 5432 1098 7654")])
    assert r.status_code == 200
    assert "9876" not in r.text


def test_wrong_receipts_get_identical_pages(sava):
    v = Visitor(sava)
    r1 = v.post([("receipt", "1111 2222 3333 4444")])
    r2 = v.post([("receipt", "9999-8888-7777-6666")])
    assert r1.status_code == r2.status_code == 200
    assert without_token(r1.text) == without_token(r2.text)
    # Also across visitors (different tokens).
    r3 = Visitor(sava).post([("receipt", "5555 5555 5555 5555")])
    assert r3.status_code == 200
    assert without_token(r3.text) == without_token(r1.text)
    # And the other headers that could tell them apart.
    for name in ("Content-Type", "Content-Language", "Cache-Control", "Set-Cookie"):
        assert header_values(r1, name) == header_values(r2, name), name


@pytest.mark.parametrize("receipt", ["1234 5678 9012 345", "123456789012345", "abcd efgh ijkl mnop",
                                     "1234 5678 9012 345x", "", "1234 5678 9012 3456 7", "+1234567890123456"])
def test_malformed_receipt_is_400_with_field_message(sava, receipt):
    v = Visitor(sava)
    r = v.post([("receipt", receipt)])
    assert r.status_code == 400
    assert re.search(r"<form\b", r.text), "the form is not shown again"
    assert 'class="field-message"' in r.text
    # The message sits next to the receipt field, inside the form.
    form = re.search(r"<form\b.*?</form>", r.text, re.S).group(0)
    assert 'class="field-message"' in form
    assert re.search(r'class="field-message".{0,400}name="receipt"|name="receipt".{0,400}class="field-message"',
                     form, re.S)
    assert csrf_token(r.text) == v.token
    assert "no-store" in [d.strip() for d in r.headers.get("Cache-Control", "").split(",")]
    assert NO_MAILBOX not in r.text


def test_missing_receipt_field_is_400(sava):
    v = Visitor(sava)
    r = v.post([])
    assert r.status_code == 400
    assert 'class="field-message"' in r.text
