"""The log (serve's stderr) holds no address, query, User-Agent, Referer, cookie, form
value or concrete path: one line per request with method, route pattern, status and
duration only."""

import re

import pytest

from conftest import Visitor, raw_request

REQUEST_LINE = re.compile(r"^sava: (GET|HEAD|POST|OTHER) (\S+) (\d{3}) \d+\.\d{3}ms")
# The requester's routes: method and route only.
QUIET_LINE = re.compile(r"^sava: (GET|HEAD|POST) (/\{lang\}/(?:help|mailbox)\S*)$")
# A line that looks like a request line: "sava: " then an upper-case word.
LOOKS_LIKE_REQUEST = re.compile(r"^sava: [A-Z]{3,}\b")
ROUTES = {"-", "/", "/{lang}", "/{lang}/", "/{lang}/guide", "/{lang}/about", "/{lang}/help",
          "/{lang}/mailbox", "/static/sava.css"}
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?i)(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?![\w:])|(?<![\w:])::(?:[0-9a-f]{1,4}:){0,6}"
                  r"[0-9a-f]{1,4}(?![\w:])|\[[0-9a-f:.]+\]")
MARKERS = ["MARKERQ", "MARKERUA", "MARKERREF", "MARKERCOOKIE", "MARKERFORM", "MARKERPATH", "MARKERHOST",
           "4242"]


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """An instance that gets the marked requests, then is stopped; yields (log text,
    secrets that must not be in it)."""
    from conftest import _teardown, start_instance
    inst = start_instance(tmp_path_factory.mktemp("log"))
    try:
        s = inst
        s.get("/en/guide?q=MARKERQ")
        s.get("/ru/?q=MARKERQ&x=1")
        s.get("/en/about", headers={"User-Agent": "MARKERUA/1.0"})
        s.get("/en/help", headers={"Referer": "http://MARKERREF/"})
        s.get("/be/", headers={"Cookie": "sava_a=MARKERCOOKIE; other=MARKERCOOKIE"})
        s.get("/en/MARKERPATH?q=MARKERQ")
        s.get("/MARKERPATH")
        s.head("/en/guide?q=MARKERQ")
        s.request("PUT", "/en/guide?q=MARKERQ", data="MARKERFORM")
        raw_request(s.port, "GET", "/en/?q=MARKERQ", headers=[("Host", "MARKERHOST")])
        v = Visitor(s)
        r = v.post([("receipt", "4242 4242 4242 4242"), ("secret", "MARKERFORM")],
                   headers={"User-Agent": "MARKERUA", "Referer": "http://MARKERREF/"})
        assert r.status_code == 200
        r = v.post([("receipt", "4242-4242-4242-424x"), ("secret", "MARKERFORM")])
        assert r.status_code == 400
        r = v.post([("receipt", "4242 4242 4242 4242")], token=False)
        assert r.status_code == 403
        r = s.post("/en/mailbox?q=MARKERQ", data="receipt=4242424242424242&secret=MARKERFORM",
                   headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        secrets = [v.cookie_value, v.token]
    finally:
        _teardown(inst)
    yield inst.log(), secrets


def test_log_has_request_lines(logged):
    log, _ = logged
    lines = [l for l in log.splitlines() if REQUEST_LINE.match(l)]
    quiet = [l for l in log.splitlines() if QUIET_LINE.match(l)]
    assert len(lines) + len(quiet) >= 15, f"expected a line per request, got:\n{log}"
    routes = {REQUEST_LINE.match(l).group(2) for l in lines}
    assert {"/{lang}/guide", "-"} <= routes
    statuses = {(REQUEST_LINE.match(l).group(1), REQUEST_LINE.match(l).group(3)) for l in lines}
    assert ("GET", "404") in statuses
    assert ("HEAD", "200") in statuses
    assert ("OTHER", "405") in statuses


def test_requester_pages_are_logged_without_status_or_time(logged):
    """A 303 after a receipt would say that it was right, and a duration how long its
    derivation took: the requester's routes are logged by name only."""
    log, _ = logged
    quiet = [QUIET_LINE.match(l).group(2) for l in log.splitlines() if QUIET_LINE.match(l)]
    assert quiet.count("/{lang}/mailbox") >= 4 and "/{lang}/help" in quiet, log
    for l in log.splitlines():
        m = REQUEST_LINE.match(l)
        assert not (m and m.group(2).startswith(("/{lang}/mailbox", "/{lang}/help"))), l


def test_log_has_no_markers(logged):
    log, _ = logged
    for m in MARKERS:
        assert m not in log, f"{m} is in the log:\n{log}"
    for m in MARKERS:
        assert m.lower() not in log.lower(), f"{m} (any case) is in the log"


def test_log_has_no_cookie_or_token(logged):
    log, secrets = logged
    for s in secrets:
        assert s and s not in log


def test_log_has_no_address_except_listening_line(logged):
    log, _ = logged
    listening = [l for l in log.splitlines() if l.startswith("sava: listening on")]
    assert len(listening) == 1, log
    for line in log.splitlines():
        if line.startswith("sava: listening on"):
            continue
        assert not IPV4.search(line), f"an IPv4 address in: {line}"
        assert not IPV6.search(line), f"an IPv6 address in: {line}"
        assert "localhost" not in line.lower()


def test_every_request_line_has_only_method_route_status_duration(logged):
    log, _ = logged
    for line in log.splitlines():
        assert line.startswith("sava: "), f"a log line without the sava: prefix: {line!r}"
        if not LOOKS_LIKE_REQUEST.match(line):
            continue
        m = REQUEST_LINE.match(line) or QUIET_LINE.match(line)
        assert m, f"request line in the wrong shape: {line!r}"
        route = m.group(2)
        assert route in ROUTES, f"the log names a concrete path, not a route pattern: {line!r}"
        assert not re.search(r"/(en|ru|be)(/|$)", route)
