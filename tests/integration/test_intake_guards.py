"""What an upload may not do before the page would accept it, and the bounds on what one
mailbox may send: nothing of a file reaches the disk before the form's csrf field has
been checked and the page's own conditions hold (intake open and not overloaded; a live
mailbox; a triage member). Files are watched in DIR/blobs while their upload is still in
progress, over a raw socket, so that a file made and later deleted is seen too."""

import re
import socket
import sqlite3
import time

from conftest import HTTP_TIMEOUT
from intake_util import Requester, Staff, content_disposition, coordinator, find_csrf, marker
from test_intake import instances  # noqa: F401  (the fixture)

BOUNDARY = "sava-guard-boundary"


def blobs(inst):
    return sorted(p.name for p in (inst.dir / "blobs").iterdir())


def part(name, value):
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()


def file_head(name="a.bin"):
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()


class SlowUpload:
    """A multipart POST sent in pieces over one socket, so DIR/blobs can be looked at
    while the body is still arriving. Content-Length is declared for the whole body."""

    def __init__(self, inst, path, cookies, total):
        self.sock = socket.create_connection(("127.0.0.1", inst.port), timeout=HTTP_TIMEOUT)
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {total}\r\n\r\n")
        self.sock.sendall(head.encode())

    def send(self, data):
        self.sock.sendall(data)

    def answer(self):
        """The status line, once the server answers (or None when it closed)."""
        self.sock.settimeout(HTTP_TIMEOUT)
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = self.sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        return data.split(b"\r\n", 1)[0].decode(errors="replace") if data else None

    def close(self):
        self.sock.close()


def cookie_header(session):
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def wait_for(pred, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def upload_in_progress(inst, rq, path, fields, expect_file):
    """Sends fields, then a file part and 200 KB of it, and checks DIR/blobs while the
    rest of the body is still due. Returns the status line of the answer."""
    body_head = b"".join(fields) + file_head()
    data = b"x" * 200_000
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    up = SlowUpload(inst, path, cookie_header(rq.s), len(body_head) + len(data) + 100_000 + len(tail))
    try:
        up.send(body_head + data)
        if expect_file:
            assert wait_for(lambda: len(blobs(inst)) == 1), "the accepted upload made no file"
        else:
            time.sleep(0.5)
            assert blobs(inst) == [], "a file was written before the form was accepted"
        try:
            up.send(b"y" * 100_000 + tail)
        except OSError:
            pass   # the server may have answered and closed already
        return up.answer()
    finally:
        up.close()


def test_no_file_is_written_before_the_csrf_field_is_checked(instances):
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    path = "/en/help"
    # the control: a right token before the file, and the file is made as it streams
    status = upload_in_progress(inst, rq, path, [part("csrf", rq.token), part("message", "hello")], True)
    assert status and " 200 " in status + " ", status
    n_after_control = len(blobs(inst))
    assert n_after_control == 1
    # a wrong token, a missing one, and the right token only after the file
    for fields in ([part("csrf", "A" * 43), part("message", "x")], [part("message", "x")]):
        before = blobs(inst)
        body_head = b"".join(fields) + file_head()
        up = SlowUpload(inst, path, cookie_header(rq.s), len(body_head) + 300_000 + 100)
        try:
            up.send(body_head + b"z" * 200_000)
            time.sleep(0.5)
            assert blobs(inst) == before, "a file was written for a form with a wrong or missing token"
            try:
                up.send(b"z" * 100_000)
            except OSError:
                pass
            status = up.answer()
        finally:
            up.close()
        assert status is None or " 403 " in status + " ", status
    # the token after the file: refused too
    before = blobs(inst)
    body = file_head() + b"q" * 1000 + b"\r\n" + part("csrf", rq.token) + part("message", "x") + \
        f"--{BOUNDARY}--\r\n".encode()
    r = rq.s.post(inst.url(path), data=body, timeout=HTTP_TIMEOUT,
                  headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert r.status_code == 403
    assert blobs(inst) == before


def test_mailbox_and_triage_replies_take_no_file_without_their_session(instances):
    inst = instances()
    coord = coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(marker("M"))
    rq.open_ok(receipt)
    rid = coord.request_ids()[0]
    n = len(blobs(inst))
    # a stranger's browser, with its own valid form token but no mailbox session
    stranger = Requester(inst)
    # (the file is dropped unread; the text comes back beside the receipt field)
    status = upload_in_progress(inst, stranger, "/en/mailbox/reply",
                                [part("csrf", stranger.token), part("message", "x")], False)
    assert status is None or " 200 " in status + " ", status
    # an owl (not in triage) replying to a real request
    owl = Staff(inst, "olga", "owl").login()
    token = owl.token()

    class Sess:
        s = owl.s
    status = upload_in_progress(inst, Sess, f"/staff/requests/{rid}/reply",
                                [part("csrf", token), part("message", "x")], False)
    assert status and " 404 " in status + " ", status
    assert len(blobs(inst)) == n
    # the requester himself, and the coordinator, may
    r = rq.reply("with a file", files=[("r.bin", b"abc")])
    assert r.status_code == 303
    r = coord.reply(rid, "with a file", files=[("c.bin", b"def")])
    assert r.status_code == 303
    assert len(blobs(inst)) == n + 2


def test_no_file_is_written_while_requests_are_refused(instances):
    inst = instances(conf={("intake", "per_minute"): "1"})
    coordinator(inst)
    rq = Requester(inst)
    if int(time.time()) % 60 > 50:   # keep both submissions inside one minute
        time.sleep(61 - int(time.time()) % 60)
    rq.submit_ok(marker("FIRST"))
    before = blobs(inst)
    status = upload_in_progress(inst, rq, "/en/help", [part("csrf", rq.token), part("message", "x")], False)
    assert status and " 503 " in status + " ", status
    assert blobs(inst) == before


def test_all_five_fields_are_stored_even_when_left_empty(instances):
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    rq.submit_ok(marker("A"))                                   # only the message
    rq.submit_ok(marker("B"), situation="notice", region="grodno", contact="x@example.org", writer="self")
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT case_id, count(*), group_concat(field) FROM items GROUP BY case_id").fetchall()
        sizes = db.execute("SELECT length(ct) FROM items ORDER BY length(ct)").fetchall()
    finally:
        db.close()
    assert len(rows) == 2
    for _, count, fields in rows:
        assert count == 5 and sorted(fields.split(","), key=int) == ["1", "2", "3", "4", "22"]
    # padded: an empty field and a short one look alike
    assert {s for (s,) in sizes} == {45 + 256}


def test_invisible_characters_in_file_names_are_replaced(instances):
    inst = instances()
    coord = coordinator(inst)
    rq = Requester(inst)
    rq.submit_ok(marker("N"), files=[("evil\u202egnp.exe", b"MZ"), ("a\u200bb\u2066c.txt", b"t")])
    rid = coord.request_ids()[0]
    page = coord.request_page(rid).text
    assert "\u202e" not in page and "\u200b" not in page and "\u2066" not in page
    assert "evil_gnp.exe" in page and "a_b_c.txt" in page
    fids = coord.file_ids(rid)
    cds = [content_disposition(coord.file(f)) for f in fids]
    assert any("evil_gnp.exe" in c for c in cds) and not any("%E2%80%AE" in c for c in cds), cds


def test_one_mailbox_cannot_write_without_bound(instances):
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    rq.open_ok(rq.submit_ok(marker("FLOOD")))
    statuses = []
    for i in range(20):   # the request itself is the first of 20 messages an hour
        statuses.append(rq.reply(f"message {i}").status_code)
    assert statuses[:19] == [303] * 19, statuses
    assert statuses[19] == 503, statuses
    r = rq.reply("one more")
    assert r.status_code == 503 and "wait for an answer" in r.text
    assert find_csrf(r.text), "the refusal page keeps the mailbox's forms"
    assert re.search(r"message 18", r.text) and "one more" in r.text   # nothing he wrote is lost


def test_a_restart_ends_every_session_and_forgets_when_it_began(instances):
    """Timers live in memory only, so no session survives a restart; their rows (which
    say in which hour a mailbox was opened) are deleted at start."""
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    rq.open_ok(rq.submit_ok(marker("R")))
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT kind, count(*) FROM sessions GROUP BY kind ORDER BY kind").fetchall() == \
            [(1, 1), (2, 1)]
    finally:
        db.close()
    assert inst.stop() == 0
    again = instances(root=inst.root, init=False)
    db = sqlite3.connect(f"file:{again.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT count(*) FROM sessions").fetchall() == [(0,)]
    finally:
        db.close()
    rq.inst = again
    page = rq.mailbox()
    assert page.status_code == 200 and 'name="receipt"' in page.text


# Bidi_Control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the deprecated
# format characters U+206A-U+206F, and the line and paragraph separators.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u206a\u206f\u2028\u2029"


def assert_neutralized(page, shown):
    """No control that reorders text is left in the page, each one became a visible U+FFFD,
    and every hostile value in shown sits in an element that isolates its direction."""
    left = sorted({f"U+{ord(c):04X}" for c in page if c in BIDI})
    assert not left, f"bidi controls reach the page: {left}"
    for text in shown:
        safe = "".join("\ufffd" if c in BIDI else c for c in text)
        assert re.search(r'<(bdi|[a-z]+\b[^>]*\bdir="auto")[^>]*>' + re.escape(safe), page), \
            f"{safe!r} is not shown isolated:\n{page[:4000]}"


def test_bidi_controls_in_hostile_text_are_neutralized(instances):
    """Issue 9: U+202E and friends in a requester's message and contact reached staff pages
    as they were, so text could be made to display reversed. Every hostile value is now shown
    with each bidi control replaced by U+FFFD, inside <bdi> or an element with dir="auto"."""
    inst = instances()
    coord = coordinator(inst)
    rq = Requester(inst)
    tag = marker("RTL")
    message = f"{tag} pay to \u202e0001 bur\u202c today \u2066x\u2069 \u061c\u200f\u200e\u2028\u2029\u206a"
    contact = f"\u202b@{tag}\u202c"
    receipt = rq.submit_ok(message, contact=contact)
    rid = coord.request_ids()[0]
    first = message.split("\u2028")[0]
    assert_neutralized(coord.list_page().text, [first[:40]])
    note = f"note {tag} \u202ereversed"
    page = coord.request_page(rid).text
    r = coord.post(f"/en/staff/requests/{rid}/note", data={"csrf": find_csrf(page), "note": note})
    assert r.status_code == 303
    reply = f"answer {tag} \u2067\u202dwhat\u2069"
    assert coord.reply(rid, reply).status_code == 303
    page = coord.request_page(rid).text
    assert_neutralized(page, [message, contact, note, reply])
    assert_neutralized(rq.open_ok(receipt).text, [message, reply])
    # a volunteer's application, as coordinators read it
    apply_page = rq.get("/en/volunteer")
    fields = {"about": f"about {tag} \u202eevil", "languages": "ru \u2066en\u2069", "contact": f"\u202e{tag}",
              "vouchers": "olga\u200f"}
    r = rq.post("/en/volunteer", data={"csrf": find_csrf(apply_page.text), **fields})
    assert r.status_code == 200, r.text[:2000]
    listing = coord.get("/en/staff/applications").text
    assert_neutralized(listing, [fields["about"][:20]])
    aid = re.search(r"/staff/applications/([0-9a-f]{32})", listing).group(1)
    assert_neutralized(coord.get(f"/en/staff/applications/{aid}").text, list(fields.values()))


def test_a_refused_help_request_gives_the_text_back(instances):
    """Refused for load (too many at once): the form comes back with what he wrote (his
    file dropped unread, and said), not a bare 503 page."""
    inst = instances(conf={("intake", "per_minute"): "1"})
    coordinator(inst)
    rq = Requester(inst)
    if int(time.time()) % 60 > 50:   # keep both submissions inside one minute
        time.sleep(61 - int(time.time()) % 60)
    rq.submit_ok(marker("FIRST"))
    before = blobs(inst)
    words = f"Please help my son {marker('KEPT')}"
    r = rq.submit(words, files=[("order.jpg", b"\xff\xd8 not kept")])
    assert r.status_code == 503, r.status_code
    assert re.search(r'<textarea[^>]*name="message"[^>]*>' + re.escape(words) + "</textarea>", r.text), r.text[:3000]
    assert "Nothing was sent" in r.text
    assert blobs(inst) == before
