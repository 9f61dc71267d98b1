"""Anonymous help requests and the requester's mailbox, against the real daemon.

The interface is the one in the issue's spec: POST /{lang}/help (multipart) shows a
receipt once; the receipt opens the mailbox (sava_m session) where the requester reads the
Owls' replies, downloads their files, answers and leaves; holders of the triage key read
the requests under /staff/requests. Covered here: no intake before a triage key exists,
the receipt's format, the full round trip with attachments in both directions, wrong and
malformed receipts, CSRF on every new form, input limits and flood limits, compartments
(admin and owl see nothing of triage), nothing readable at rest, and durability across a
kill -9 in the middle of a burst of submissions.

Every instance uses the fast test KDF; every wait is bounded; every process is stopped by
its PID (conftest's start_instance/_teardown)."""

import os
import re
import secrets
import shutil
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import (HTTP_TIMEOUT, LANGS, TIMEOUT_SCALE, _teardown, header_values, html_lang,
                      raw_request, start_instance)
from intake_util import (NO_MAILBOX, NOT_ACCEPTED, RECEIPT_RE, SITUATIONS, Requester, Staff, assert_no_store,
                         content_disposition, cookie_set, coordinator, find_csrf, marker, receipt_of,
                         scan_open_files, scan_tree, select_options, radio_options, checked, WRITERS, REGIONS, shows_mailbox, shows_receipt_form,
                         textarea_text, without_csrf)

MiB = 1 << 20


@pytest.fixture
def instances(tmp_path):
    """start(root=None, conf=None, init=True): like conftest's make_instance, but a root
    may be given again (with init=False) to restart the daemon on the same instance
    directory. Every daemon still running at the end is stopped by its PID and must exit
    with 0 on SIGTERM."""
    made = []

    def start(root=None, conf=None, init=True):
        root = root or tmp_path / f"i{len(made) + 1}"
        inst = start_instance(root, conf=conf, fast=True, init=init)
        made.append(inst)
        return inst

    try:
        yield start
    finally:
        errors = []
        for inst in made:
            try:
                _teardown(inst)
            except AssertionError as e:
                errors.append(str(e))
        assert not errors, "\n".join(errors)


def help_form(text):
    m = re.search(r"<form\b[^>]*\baction=\"/[a-z]{2}/help\"[^>]*>.*?</form>", text, re.S)
    return m.group(0) if m else None


def assert_list_empty(staff):
    """The triage list answers and shows no request at all."""
    ids = staff.request_ids()
    assert ids == [], f"requests were stored: {ids}"


def rejected(r, message=None):
    """A 400 with the form again, an error summary and (when given) the message kept."""
    assert r.status_code == 400, f"expected 400, got {r.status_code}\n{r.text[:2000]}"
    assert 'class="error-summary"' in r.text
    assert help_form(r.text), "the 400 page does not show the form again"
    assert not re.search(r'\bid="receipt"[^>]*>\s*\d', r.text), "a rejected request shows a receipt"
    if message is not None:
        kept = textarea_text(r.text)
        assert kept is not None and message in kept, f"the message was not kept in the textarea: {kept!r}"


def download_all(get, ids):
    """{content bytes: Content-Disposition} for every file id, checking each answer."""
    out = {}
    for fid in ids:
        r = get(fid)
        assert r.status_code == 200, f"file {fid}: {r.status_code}"
        cd = content_disposition(r)
        assert cd.lower().startswith("attachment"), f"file {fid}: Content-Disposition {cd!r}"
        assert_no_store(r)
        out[r.content] = cd
    return out


def assert_files(downloaded, expected):
    """Every (name, bytes) in expected was downloaded byte-identical, under its name."""
    for name, data in expected:
        assert data in downloaded, f"{name} ({len(data)} bytes) was not downloaded byte-identical"
        assert f'filename="{name}"' in downloaded[data], f"{name}: {downloaded[data]!r}"


# ---------------------------------------------------------------- 1. no triage key, no intake

def test_no_requests_before_the_triage_key_exists(instances):
    """A fresh instance (and one whose coordinator has enrolled but never logged in) has no
    triage key: the help page offers no form and says so, and a well-formed POST with a
    valid csrf token answers 503. The first coordinator's first login creates the key and
    the form appears."""
    inst = instances()
    rq = Requester(inst)
    for lang in LANGS:
        r = inst.get(f"/{lang}/help")
        assert r.status_code == 200
        assert not help_form(r.text) and "<textarea" not in r.text and "<form" not in r.text, \
            f"/{lang}/help offers a form before a triage key exists"
    assert NOT_ACCEPTED in inst.get("/en/help").text

    r = rq.submit(marker("EARLY"), situation="notice")
    assert r.status_code == 503, f"POST /en/help before a triage key: {r.status_code}"
    assert not re.search(r'\bid="receipt"', r.text)

    anna = Staff(inst, "anna", "coordinator")          # enrolled, not logged in yet
    assert not help_form(inst.get("/en/help").text)
    assert rq.submit(marker("EARLY")).status_code == 503

    anna.login()                                       # creates the triage key
    r = rq.help_page()
    assert r.status_code == 200 and help_form(r.text), "no form once the triage key exists"
    assert NOT_ACCEPTED not in r.text
    assert_list_empty(anna)                            # the refused POSTs left nothing


# ---------------------------------------------------------------- 2. the receipt

def test_submit_in_each_language_shows_a_receipt(instances):
    """In be, ru and en the form is there with the spec's fields; a submission answers 200,
    no-store, in the page's language, with a receipt of four groups of four digits inside
    id="receipt". A browser's empty file part (no file chosen) is not an attachment."""
    inst = instances()
    anna = coordinator(inst)
    receipts = set()
    for lang in LANGS:
        rq = Requester(inst, lang)
        page = rq.help_page()
        form = help_form(page.text)
        assert form, f"/{lang}/help has no form"
        assert re.search(r'<form\b[^>]*\bmethod="post"', form, re.I)
        assert re.search(r'<form\b[^>]*\benctype="multipart/form-data"', form, re.I)
        assert re.search(r'<form\b[^>]*\baction="/%s/help"' % lang, form)
        assert re.search(r'<textarea\b[^>]*\bname="message"', form)
        assert radio_options(form, "writer") == list(WRITERS)
        assert radio_options(form, "situation") == list(SITUATIONS)
        assert select_options(form, "region") == [""] + list(REGIONS)
        assert re.search(r'<input\b[^>]*\bname="contact"', form)
        file_input = re.search(r'<input\b[^>]*\btype="file"[^>]*>', form)
        assert file_input and 'name="attachment"' in file_input.group(0) and "multiple" in file_input.group(0)
        assert find_csrf(form)

        r = rq.submit(f"Language {lang} {marker('LANG')}", situation="other", empty_file_part=True)
        assert r.status_code == 200, f"/{lang}/help: {r.status_code}\n{r.text[:2000]}"
        assert_no_store(r)
        assert html_lang(r.text) == lang
        receipts.add(receipt_of(r, 16))
    assert len(receipts) == 3, "two submissions got the same receipt"
    assert len(anna.request_ids()) == 3


def test_twenty_digit_receipts(instances):
    """receipt_digits = 20: the receipt has five groups of four, and it opens the mailbox."""
    inst = instances(conf={("intake", "receipt_digits"): "20"})
    coordinator(inst)
    rq = Requester(inst)
    text = f"Twenty digits {marker()}"
    receipt = rq.submit_ok(text, digits=20)
    assert len(receipt.replace(" ", "")) == 20
    page = Requester(inst).open_ok(receipt)
    assert text in page.text


# ---------------------------------------------------------------- 3. the round trip

def test_mailbox_round_trip_with_attachments(instances):
    """Requester -> Owls -> requester -> Owls, with files both ways, all byte-identical;
    then leaving ends the mailbox session for good."""
    inst = instances()
    anna = coordinator(inst)

    first_line = f"First line {marker('FIRST')}"
    second_line = f"second line {marker('SECOND')}"
    message = first_line + "\r\n" + second_line
    contact = f"signal {marker('CONTACT')}"
    tricky = (b"\r\n--\r\n--boundary\r\n\r\nContent-Disposition: form-data\r\n" + bytes(range(256)) * 4
              + b"\x00\xff\r\n-")
    big = secrets.token_bytes(200 * 1024)
    files = [("tricky.bin", tricky), ("random.bin", big)]

    rq = Requester(inst)
    r = rq.submit(message, situation="border", region="grodno", contact=contact, files=files, writer="relative")
    assert r.status_code == 200, r.text[:2000]
    receipt = receipt_of(r)
    digits = receipt.replace(" ", "")

    # The receipt typed in other ways opens the same mailbox (fresh browsers each time).
    for typed in ("-".join(receipt.split(" ")), f"  {digits[:4]}  {digits[4:10]} {digits[10:]}  "):
        other = Requester(inst)
        assert message.split("\r\n")[0] in other.open_ok(typed).text

    r = rq.open(receipt)
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/mailbox")
    sm = cookie_set(r, "sava_m")
    assert sm and sm[0], "no sava_m session cookie"
    assert sm[1].get("httponly") is True and str(sm[1].get("samesite", "")).lower() == "strict" \
        and sm[1].get("path") == "/", sm
    old_session = sm[0]
    page = rq.mailbox()
    assert page.status_code == 200 and shows_mailbox(page.text)
    assert_no_store(page)
    assert re.search(r"\b(Received|In progress|Closed)\b", page.text), "no neutral status"
    assert '<article class="message' in page.text
    assert first_line in page.text and second_line in page.text
    mine = rq.file_ids(page.text)
    assert len(mine) == 2, mine
    assert_files(download_all(rq.file, mine), files)

    # The coordinator's list: the first line only; the request with everything.
    listing = anna.list_page()
    assert first_line in listing.text
    assert second_line not in listing.text, "the list shows more than the first line"
    ids = anna.request_ids()
    assert len(ids) == 1
    rid = ids[0]
    assert anna.get("/en/staff/requests").status_code == 200
    assert rid in anna.get("/en/staff/requests").text
    req = anna.request_page(rid)
    assert first_line in req.text and second_line in req.text and contact in req.text
    assert_no_store(req)
    staff_files = anna.file_ids(rid, req.text)
    assert len(staff_files) == 2, staff_files
    assert_files(download_all(anna.file, staff_files), files)

    # The Owls answer with a file.
    owl_text = f"We read you {marker('OWLREPLY')}"
    owl_file = ("answer.txt", f"instructions {marker('OWLFILE')}\n".encode() + secrets.token_bytes(3000))
    r = anna.reply(rid, owl_text, files=[owl_file])
    assert r.status_code == 303, f"staff reply: {r.status_code}\n{r.text[:2000]}"
    assert r.headers["Location"].endswith(f"/staff/requests/{rid}?done=reply#conversation")

    page = rq.mailbox()
    assert owl_text in page.text
    new = [f for f in rq.file_ids(page.text) if f not in mine]
    assert len(new) == 1, new
    assert_files(download_all(rq.file, new), [owl_file])

    # The requester answers, with a file exactly one 64 KiB frame long.
    back_text = f"Thank you {marker('BACK')}"
    frame = ("frame.bin", secrets.token_bytes(65536))
    r = rq.reply(back_text, files=[frame])
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/mailbox?sent=1"), r.status_code
    page = rq.get("/en/mailbox?sent=1")
    # what just happened, in a banner directly under the H1
    assert re.search(r'</h1>\s*<div class="banner" role="status"><p>Sent\. The answer will appear here', page.text), page.text[:2000]
    # Oldest first.
    assert page.text.index(first_line) < page.text.index(owl_text) < page.text.index(back_text)
    req = anna.request_page(rid)
    assert back_text in req.text
    later = [f for f in anna.file_ids(rid, req.text) if f not in staff_files]
    assert_files(download_all(anna.file, later), [frame])

    # Leaving: the cookie is cleared, the site data too, the session is gone for good.
    some_file = mine[0]
    r = rq.leave()
    # a page that says it is closed and what else to do, not a bare redirect
    assert r.status_code == 200 and "You have left your mailbox" in r.text, r.status_code
    assert "Close this tab" in r.text and "New Identity" in r.text
    cleared = cookie_set(r, "sava_m")
    assert cleared and str(cleared[1].get("max-age")) == "0", header_values(r, "Set-Cookie")
    assert "cookies" in ", ".join(header_values(r, "Clear-Site-Data"))
    assert shows_receipt_form(rq.mailbox().text)
    anon = rq.s.cookies.get("sava_a")
    cookie = f"sava_m={old_session}" + (f"; sava_a={anon}" if anon else "")
    stale = inst.get("/en/mailbox", headers={"Cookie": cookie})
    assert stale.status_code == 200 and shows_receipt_form(stale.text), "the old cookie still opens the mailbox"
    # a file link of a closed mailbox: how to open it again, never the file, never a bare 404
    r = inst.get(f"/en/mailbox/file/{some_file}", headers={"Cookie": cookie})
    assert r.status_code == 200 and shows_receipt_form(r.text) and "Your mailbox is closed" in r.text
    assert "attachment" not in r.headers.get("Content-Disposition", "")
    # A reply without a live session stores nothing: the page says why, gives the words
    # back beside the receipt field (the file is dropped unread), and sends them once the
    # receipt opens the mailbox again.
    lost = f"After leaving {marker('KEPT')}"
    r = rq.reply(lost, files=[("late.txt", b"not kept " + secrets.token_bytes(64))])
    assert r.status_code == 200 and shows_receipt_form(r.text), r.status_code
    assert "Your mailbox had closed, so your message was not sent" in r.text
    assert "after 15 minutes without activity" in r.text   # the real limit, not "a few minutes"
    assert re.search(r'<textarea id="message" name="message"[^>]*>' + re.escape(lost) + "</textarea>", r.text)
    assert "Files are not kept" in r.text
    assert lost not in anna.request_page(rid).text
    r = rq.open(receipt, message=lost)
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/mailbox?sent=1"), r.status_code
    assert lost in anna.request_page(rid).text
    assert len([f for f in anna.file_ids(rid) if f not in staff_files + later]) == 0, "the dropped file was kept"


# ---------------------------------------------------------------- 4. wrong and malformed receipts

def test_wrong_and_malformed_receipts(instances):
    """Any well-formed receipt that opens nothing gets one and the same 200 page (no hint
    of which digits were wrong); a malformed one gets 400. Neither opens a session."""
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(f"Real {marker()}")
    digits = receipt.replace(" ", "")
    near = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    wrong = ["".join(secrets.choice("0123456789") for _ in range(16)), near,
             "".join(secrets.choice("0123456789") for _ in range(20))]
    v = Requester(inst)
    pages = []
    for w in wrong:
        r = v.open(w)
        assert r.status_code == 200, f"wrong receipt: {r.status_code}"
        assert NO_MAILBOX in r.text
        assert cookie_set(r, "sava_m") is None
        pages.append(without_csrf(r.text))
    assert len(set(pages)) == 1, "two wrong receipts got different pages"
    for bad in ("1234 5678 9012 345", "1234 5678 9012 345x", "12345678901234567", "", "abcd efgh ijkl mnop"):
        r = v.open(bad)
        assert r.status_code == 400, f"malformed receipt {bad!r}: {r.status_code}"
        assert 'class="error-summary"' in r.text
        assert cookie_set(r, "sava_m") is None
    assert shows_receipt_form(v.mailbox().text)
    # The real one still works.
    v.open_ok(receipt)


# ---------------------------------------------------------------- 5. CSRF

def test_csrf_on_every_new_form(instances):
    """POST /en/help, /en/mailbox, /en/mailbox/reply and /staff/requests/{id}/reply
    without a token, with garbage and with another browser's token: 403, nothing stored
    and no session opened."""
    inst = instances()
    anna = coordinator(inst)
    rq = Requester(inst)
    stranger = Requester(inst)
    bad_tokens = {"missing": None, "garbage": "A" * 43, "another browser's": stranger.token}
    assert stranger.token != rq.token

    for why, tok in bad_tokens.items():
        r = rq.submit(f"Forged {marker()}", token=tok)
        assert r.status_code == 403, f"/en/help with {why} token: {r.status_code}"
        assert not re.search(r'\bid="receipt"', r.text)
    assert_list_empty(anna)

    receipt = rq.submit_ok(f"Genuine {marker()}")
    rid = anna.request_ids()[0]
    for why, tok in bad_tokens.items():
        r = rq.open(receipt, token=tok)
        assert r.status_code == 403, f"/en/mailbox with {why} token: {r.status_code}"
        assert cookie_set(r, "sava_m") is None
        assert shows_receipt_form(rq.mailbox().text)
    rq.open_ok(receipt)

    for why, tok in bad_tokens.items():
        text = f"Forged reply {marker()}"
        r = rq.reply(text, token=tok)
        assert r.status_code == 403, f"/en/mailbox/reply with {why} token: {r.status_code}"
        assert text not in rq.mailbox().text and text not in anna.request_page(rid).text

    staff_bad = {"missing": None, "garbage": "A" * 43, "the requester's": rq.token}
    for why, tok in staff_bad.items():
        text = f"Forged answer {marker()}"
        r = anna.reply(rid, text, token=tok)
        assert r.status_code == 403, f"/staff/requests/{{id}}/reply with {why} token: {r.status_code}"
        assert text not in anna.request_page(rid).text and text not in rq.mailbox().text
    assert shows_mailbox(rq.mailbox().text)   # a forged leave would have ended it: none was sent
    r = rq.leave(token="A" * 43)
    assert r.status_code == 403 and shows_mailbox(rq.mailbox().text)


# ---------------------------------------------------------------- 6. limits

LIMITS = {("intake", "max_files"): "2", ("intake", "max_file_mb"): "1", ("intake", "message_max"): "100",
          ("intake", "per_minute"): "0"}


def test_input_limits(instances):
    """max_files=2, max_file_mb=1, message_max=100: every invalid submission answers 400
    with the form, an error summary and the message kept, and stores nothing; a body
    whose Content-Length is above max_files * max_file_mb + 1 MiB gets 413. Exactly at
    the limits (100 characters, counted as characters; two files of 1 MiB) is accepted."""
    inst = instances(conf=LIMITS)
    anna = coordinator(inst)
    rq = Requester(inst)
    ok = "Short and fine"

    too_long = "Too long " + "x" * 92                         # 101 characters
    assert len(too_long) == 101
    rejected(rq.submit(too_long), too_long)
    rejected(rq.submit("ы" * 101), "ы" * 101)                 # 101 characters, 202 bytes
    rejected(rq.submit(ok, files=[("a.bin", b"a"), ("b.bin", b"b"), ("c.bin", b"c")]), ok)
    rejected(rq.submit(ok, files=[("big.bin", secrets.token_bytes(1536 * 1024))]), ok)
    rejected(rq.submit(ok, files=[("big.bin", secrets.token_bytes(MiB + 1))]), ok)
    rejected(rq.submit(""))
    rejected(rq.submit(ok, situation="arrested"), ok)
    rejected(rq.submit(ok, region="nowhere-at-all"), ok)
    rejected(rq.submit(ok, region="volga"), ok)               # an earlier list's: no longer taken
    rejected(rq.submit(ok, writer="neighbour"), ok)
    assert_list_empty(anna)

    # Content-Length above 2 * 1 MiB + 1 MiB: refused before the body is read.
    limit = 3 * MiB
    r = raw_request(inst.port, "POST", "/en/help",
                    headers=[("Cookie", f"sava_a={rq.s.cookies.get('sava_a')}"),
                             ("Content-Type", "multipart/form-data; boundary=xyzzy"),
                             ("Content-Length", str(limit + 4096))],
                    timeout=HTTP_TIMEOUT)
    assert r.status == 413, f"Content-Length over the total: {r.status}"
    # Not multipart at all.
    r = rq.post("/en/help", data={"csrf": rq.token, "message": ok})
    assert r.status_code == 415, f"urlencoded POST /en/help: {r.status_code}"
    assert_list_empty(anna)

    # At the limits: accepted, and the files come back whole.
    exact = "ж" * 100
    files = [("one.bin", secrets.token_bytes(MiB)), ("two.bin", secrets.token_bytes(MiB))]
    receipt = rq.submit_ok(exact, files=files)
    ids = anna.request_ids()
    assert len(ids) == 1
    assert_files(download_all(anna.file, anna.file_ids(ids[0])), files)
    # A reply is held to the same limits.
    box = Requester(inst)
    box.open_ok(receipt)
    r = box.reply(ok, files=[("a.bin", b"a"), ("b.bin", b"b"), ("c.bin", b"c")])
    assert r.status_code == 400 and 'class="error-summary"' in r.text
    r = box.reply("z" * 101)
    assert r.status_code == 400 and 'class="error-summary"' in r.text
    assert "z" * 101 not in anna.request_page(ids[0]).text


def _away_from_minute_edge():
    """Waits (at most 6 s) when the wall clock is about to turn a minute, so that three
    quick submissions fall into the same minute whatever window the limiter uses."""
    left = 60 - time.time() % 60
    if left < 6:
        time.sleep(left + 0.5)


def test_per_minute_limit(instances):
    """per_minute=2: the third new request within a minute gets the 503 overloaded page
    and is not stored; the list shows the two accepted ones, newest first."""
    inst = instances(conf={("intake", "per_minute"): "2"})
    anna = coordinator(inst)
    rq = Requester(inst)
    _away_from_minute_edge()
    first, second, third = (f"Request {n} {marker()}" for n in ("one", "two", "three"))
    rq.submit_ok(first)
    rq.submit_ok(second)
    r = rq.submit(third)
    assert r.status_code == 503, f"third request within a minute: {r.status_code}"
    assert 'class="notice' in r.text and "overloaded" in r.text
    assert not re.search(r'\bid="receipt"', r.text)
    assert_no_store(r)
    listing = anna.list_page().text
    assert len(anna.request_ids()) == 2
    assert third not in listing
    assert listing.index(second) < listing.index(first), "the list is not newest first"


def test_untriaged_limit(instances):
    """untriaged_max=1: with one request waiting in stage new, the next gets 503."""
    inst = instances(conf={("intake", "untriaged_max"): "1"})
    anna = coordinator(inst)
    rq = Requester(inst)
    rq.submit_ok(f"Waiting {marker()}")
    r = Requester(inst).submit(f"One too many {marker()}")
    assert r.status_code == 503, f"second untriaged request: {r.status_code}"
    assert 'class="notice' in r.text and "overloaded" in r.text
    assert len(anna.request_ids()) == 1


# ---------------------------------------------------------------- 7. compartments

def test_only_triage_holders_see_requests(instances):
    """An admin, an owl and a coordinator not yet approved for the triage key get 404 on
    the list, a real request, a real file and a reply, exactly as for random ids."""
    inst = instances()
    anna = coordinator(inst)
    text = f"Secret request {marker()}"
    Requester(inst).submit_ok(text, files=[("doc.bin", secrets.token_bytes(5000))])
    rid = anna.request_ids()[0]
    fid = anna.file_ids(rid)[0]
    fake_rid, fake_fid = secrets.token_hex(16), secrets.token_hex(16)
    assert anna.get(f"/staff/requests/{fake_rid}").status_code == 404
    assert anna.get(f"/staff/files/{fake_fid}").status_code == 404

    others = [Staff(inst, "adam", "admin").login(), Staff(inst, "olga", "owl").login(),
              Staff(inst, "bea", "coordinator").login()]
    for who in others:
        unknown = who.get("/staff/no-such-page")
        assert unknown.status_code == 404
        r = who.get("/staff/requests")
        assert r.status_code == 404 and text not in r.text, f"{who.handle}: /staff/requests {r.status_code}"
        assert who.get("/en/staff/requests").status_code == 404
        assert without_csrf(r.text).replace("requests", "X") == \
            without_csrf(unknown.text).replace("no-such-page", "X"), f"{who.handle}: the 404s differ"
        for real, fake, path in ((rid, fake_rid, "/staff/requests/"), (fid, fake_fid, "/staff/files/")):
            a, b = who.get(path + real), who.get(path + fake)
            assert a.status_code == 404 and b.status_code == 404, f"{who.handle}: {path}: {a.status_code}"
            assert a.content.replace(real.encode(), b"ID") == b.content.replace(fake.encode(), b"ID"), \
                f"{who.handle}: {path}: a real id is told apart from a random one"
        forged = f"Not yours {marker()}"
        r = who.post(f"/staff/requests/{rid}/reply", files=[("csrf", (None, who.token())), ("message", (None, forged)),
                                                          ("do", (None, "reply"))])
        assert r.status_code in (403, 404), f"{who.handle}: reply {r.status_code}"
        assert forged not in anna.request_page(rid).text


# ---------------------------------------------------------------- 8. nothing readable at rest

def test_nothing_readable_at_rest(instances, tmp_path, monkeypatch):
    """Markers in the message, the contact, an attachment's name and content (a small and a
    3 MB one), a staff reply and its file, and a requester reply, plus the receipt itself:
    none of them in any file of the instance directory, the daemon's stdout and stderr,
    its TMPDIR, a file it holds open, or a recent file in /tmp, /var/tmp or /dev/shm:
    neither while it runs nor after it stopped."""
    started = time.time() - 2
    daemon_tmp = tmp_path / "daemon-tmp"
    daemon_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(daemon_tmp))   # inherited by sava serve
    inst = instances()
    anna = coordinator(inst)

    m_message, m_contact, m_fname, m_fdata = marker(), marker(), marker(), marker()
    m_staff, m_staff_fname, m_staff_fdata, m_back = marker(), marker(), marker(), marker()
    m_second = marker()
    big = bytearray(secrets.token_bytes(3 * MiB))
    for at in (0, 65530, MiB, 2 * MiB + 7, len(big) - len(m_fdata) - 1):
        big[at:at + len(m_fdata)] = m_fdata.encode()
    files = [(f"{m_fname}.txt", f"note {m_fdata} end\n".encode()), ("big.bin", bytes(big))]

    rq = Requester(inst)
    r = rq.submit(f"Help {m_message}\r\nmore {m_second}", situation="out", contact=f"tg {m_contact}", files=files)
    assert r.status_code == 200
    receipt = receipt_of(r)
    rq.open_ok(receipt)
    rid = anna.request_ids()[0]
    req = anna.request_page(rid)
    assert m_message in req.text and m_contact in req.text
    req_files = anna.file_ids(rid, req.text)
    assert_files(download_all(anna.file, req_files), files)
    staff_file = (f"{m_staff_fname}.txt", f"{m_staff_fdata}\n".encode())
    assert anna.reply(rid, f"Answer {m_staff}", files=[staff_file]).status_code == 303
    page = rq.mailbox()
    assert m_staff in page.text
    assert_files(download_all(rq.file, rq.file_ids(page.text)), files + [staff_file])
    assert rq.reply(f"Reply {m_back}").status_code == 303
    assert m_back in anna.request_page(rid).text

    markers = [m_message, m_second, m_contact, m_fname, m_fdata, m_staff, m_staff_fname, m_staff_fdata, m_back,
               receipt, receipt.replace(" ", "")]
    # The session cookies are secrets too, but short-lived and not chosen by us: only markers.

    def scan(running):
        found = []
        scan_tree(tmp_path, markers, found)                      # instance dir, logs, TMPDIR
        if running:
            scan_open_files(inst.pid, markers, found)
        deadline = time.monotonic() + 5 * TIMEOUT_SCALE
        for d in ("/tmp", "/var/tmp", "/dev/shm"):
            if os.path.isdir(d):
                scan_tree(d, markers, found, newer_than=started, skip=[tmp_path], deadline=deadline)
        return found

    assert (inst.dir / "sava.db").exists()
    found = scan(True)
    assert not found, "readable while running:\n" + "\n".join(found)
    assert inst.stop() == 0, inst.log()
    found = scan(False)
    assert not found, "readable after stop:\n" + "\n".join(found)


# ---------------------------------------------------------------- 9. durability

def test_receipts_shown_survive_kill_9(instances, tmp_path):
    """Four browsers submit in a loop; the daemon is killed with SIGKILL in the middle.
    Every receipt that was shown (a complete 200) opens its mailbox with its own message
    after a restart on the same directory, and the database passes integrity_check both
    as the kill left it and after the restarted daemon stopped."""
    conf = {("intake", "per_minute"): "0", ("intake", "untriaged_max"): "0",
            ("mailbox", "attempts_per_minute"): "0"}
    inst = instances(conf=conf)
    coordinator(inst)
    browsers = [Requester(inst) for _ in range(4)]
    shown, statuses = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(i, rq):
        n = 0
        while not stop.is_set():
            text = f"Burst {i}-{n} {marker()}"
            n += 1
            try:
                r = rq.submit(text)
            except requests.RequestException:
                return                                   # the daemon is gone
            with lock:
                statuses.append(r.status_code)
            if r.status_code == 200:
                m = RECEIPT_RE.search(r.text)
                got = " ".join(re.findall(r">([\d ]+)<", m.group(1))) if m else None
                with lock:
                    shown.append((got, text))
            time.sleep(0.03)

    threads = [threading.Thread(target=burst, args=(i, b), daemon=True) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 20 * TIMEOUT_SCALE
        t0 = time.monotonic()
        while time.monotonic() < deadline:
            with lock:
                enough = len(shown) >= 8
            if enough and time.monotonic() - t0 >= 2.5:
                break
            time.sleep(0.05)
        assert all(t.is_alive() for t in threads), "a burst thread ended before the kill"
        inst.stop(signal.SIGKILL)                        # by PID, while the threads submit
    finally:
        stop.set()
        for t in threads:
            t.join(HTTP_TIMEOUT * 3 + 5)
    assert not any(t.is_alive() for t in threads)
    assert inst.returncode == -signal.SIGKILL
    assert all(r for r, _ in shown), "a 200 without a receipt"
    assert len(shown) >= 8, f"too few accepted submissions before the kill: {statuses}"

    # The database as the kill left it (a copy, so the daemon does its own recovery).
    copy = tmp_path / "crash-copy"
    copy.mkdir()
    for name in ("sava.db", "sava.db-wal"):
        if (inst.dir / name).exists():
            shutil.copy2(inst.dir / name, copy / name)
    db = sqlite3.connect(str(copy / "sava.db"), timeout=10)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()

    again = instances(root=inst.root, init=False)

    def check(item):
        receipt, text = item
        rq = Requester(again)
        r = rq.open(receipt)
        if r.status_code != 303:
            return f"{receipt}: opening answered {r.status_code}"
        page = rq.mailbox()
        if text not in page.text:
            return f"{receipt}: its message is not in the mailbox"
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for p in pool.map(check, shown, timeout=120 * TIMEOUT_SCALE) if p]
    assert not problems, f"{len(problems)} of {len(shown)} shown receipts lost:\n" + "\n".join(problems[:20])
    # Still taking requests after the crash.
    Requester(again).submit_ok(f"After the crash {marker()}")
    assert again.stop() == 0, again.log()
    db = sqlite3.connect(str(again.dir / "sava.db"), timeout=10)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


# ---------------------------------------------------------------- 10. idle mailbox sessions

@pytest.mark.skipif(os.environ.get("SAVA_SLOW_TESTS") != "1",
                    reason="waits 66 s for idle_minutes = 1; set SAVA_SLOW_TESTS=1 to run")
def test_mailbox_session_ends_after_idle(instances):
    """idle_minutes = 1: after 66 s without a request the mailbox session is over."""
    inst = instances(conf={("mailbox", "idle_minutes"): "1"})
    coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(f"Idle {marker()}")
    rq.open_ok(receipt)
    time.sleep(66)
    assert shows_receipt_form(rq.mailbox().text)


def test_the_help_form_speaks_to_belarusians_and_their_families(instances):
    """Issue 15: the regions are Belarus's voblasts and Minsk (never Russia's federal
    districts), "who is writing" is its own question beside a neutral "what happened",
    every optional field says "(optional)" the same way, the choices survive an error,
    and the staff page names the region in the new words."""
    inst = instances()
    anna = coordinator(inst)
    want = {"be": ("Хто піша? (неабавязкова)", "Што здарылася? (неабавязкова)", "Брэсцкая вобласць",
                   "Віцебская вобласць", "Гомельская вобласць", "Гродзенская вобласць", "Мінская вобласць",
                   "Магілёўская вобласць", "Мінск (горад)", "Я пішу пра сябе"),
            "ru": ("Кто пишет? (необязательно)", "Что случилось? (необязательно)", "Брестская область",
                   "Гродненская область", "Могилёвская область", "Минск (город)", "Пришла повестка"),
            "en": ("Who is writing? (optional)", "What happened? (optional)", "Grodno region", "Minsk (the city)",
                   "In the army, in a unit", "Outside Belarus", "I prefer not to say",
                   "I am writing for someone close to me")}
    gone = ("Volga", "Siberia", "Central Russia", "Поволжье", "Сибирь", "Центральная Россия", "Паволжжа", "Сібір",
            "Цэнтральная Расія", "if you want to say", "если хотите указать", "калі хочаце ўказаць")
    for lang in LANGS:
        page = Requester(inst, lang).help_page()
        assert page.status_code == 200
        form = help_form(page.text)
        assert re.search(r"<form\b[^>]*\bnovalidate", form), "the help form lets the browser's bubbles speak"
        for text in want[lang]:
            assert text in form, f"/{lang}/help does not say {text!r}"
        for text in gone:
            assert text not in form, f"/{lang}/help still says {text!r}"
        # the two questions are fieldsets of their own, each with its legend
        assert len(re.findall(r"<fieldset\b", form)) == 2 and len(re.findall(r"<legend>", form)) == 2
    en = help_form(Requester(inst, "en").help_page().text)
    optional = re.findall(r"<(?:label|legend)\b[^>]*>([^<]*\(optional\))", en)
    assert len(optional) >= 5, optional   # writer, situation, region, contact, files

    # an error keeps every choice, and names the field it concerns
    rq = Requester(inst, "ru")
    r = rq.submit("", situation="serving", region="grodno", contact="", writer="relative")
    assert r.status_code == 400
    assert checked(r.text, "writer") == ["relative"] and checked(r.text, "situation") == ["serving"]
    assert checked(r.text, "region") == ["grodno"]
    r = rq.submit("x", writer="neighbour")
    assert r.status_code == 400 and 'href="#writer"' in r.text and 'id="writer"' in r.text

    # the staff page names the region in the new words, in the page's language
    msg = marker("VOBLAST")
    Requester(inst, "be").submit_ok(msg, situation="border", region="mogilev", writer="relative")
    rid = [i for i in anna.request_ids() if msg in anna.request_page(i).text][0]
    assert "Магілёўская вобласць" in anna.get(f"/be/staff/requests/{rid}").text
    assert "Mogilev region" in anna.get(f"/en/staff/requests/{rid}").text
