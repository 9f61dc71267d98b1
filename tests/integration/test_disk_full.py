"""A full disk (issue 9): nothing is lost and nothing is half stored, the operator reads
"the disk is full" in the log (once for a burst, with the path and errno's words), staff
see it on their pages, and whoever typed something gets it back: requesters on a calm 503
page (help form, mailbox reply, volunteer form), staff with an error under the H1 (note,
reply). The instance lives on a small tmpfs mounted by the test (root only: skipped where
mounting is not permitted); the daemon's log stays outside it."""

import errno
import html
import os
import re
import subprocess

import pytest

from conftest import CLI_TIMEOUT, sava_init, start_instance
from intake_util import Requester, assert_no_store, checked, coordinator, find_csrf, marker, multipart, receipt_of, \
    textarea_text

FULL_LINE = "the disk is full"
CALM = "We cannot take requests right now. Nothing was sent. Your text is below: copy it, and try again later."
BANNER = "The server&#39;s disk is full."


def mount_tmpfs(path, size="48m"):
    path.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
                       capture_output=True, text=True, timeout=CLI_TIMEOUT)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")


def umount(path):
    subprocess.run(["umount", str(path)], capture_output=True, timeout=CLI_TIMEOUT, check=True)


def fill(path):
    """Writes path until the filesystem has no byte left (ENOSPC)."""
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 64 << 10, 4096, 512, 1):
            data = b"\0" * chunk
            while True:
                try:
                    f.write(data)
                except OSError as e:
                    assert e.errno == errno.ENOSPC, e
                    break


def field_value(text, name):
    m = re.search(r'<input\b[^>]*\bname="%s"[^>]*>' % name, text)
    v = m and re.search(r'\bvalue="([^"]*)"', m.group(0))
    return html.unescape(v.group(1)) if v else None


def under_h1(text):
    """What a page shows between its H1 and the next heading or form."""
    return text.split("</h1>", 1)[1].split("<form", 1)[0]


def test_a_full_disk_is_said_and_what_was_typed_comes_back(tmp_path):
    root = tmp_path / "r"
    fs = root / "inst"
    mount_tmpfs(fs)
    inst = None
    try:
        sava_init(fs)
        inst = start_instance(root, init=False)
        anna = coordinator(inst)
        rq = Requester(inst)
        rq.open_ok(rq.submit_ok(marker("FIRST")))
        rid = anna.request_ids()[0]
        request_page = anna.request_page(rid).text
        assert BANNER not in request_page
        vol = Requester(inst)
        vol_page = vol.get("/en/volunteer").text

        fill(fs / "filler")

        # A burst of help requests: each answered calmly, with what was typed given back.
        for i in range(3):
            message = marker("HELP") + " " + "words " * 2500
            contact = marker("CONTACT")
            r = rq.submit(message, situation="border", region="gomel", contact=contact, writer="relative",
                          files=[("x.txt", b"a file")] if i == 2 else ())
            assert r.status_code == 503, r.text[:2000]
            assert_no_store(r)
            assert CALM in under_h1(r.text)
            assert textarea_text(r.text) == message
            assert field_value(r.text, "contact") == contact
            assert checked(r.text, "situation") == ["border"] and checked(r.text, "region") == ["gomel"]
            assert checked(r.text, "writer") == ["relative"]
            if i == 2:
                assert "Files are not kept" in r.text

        # The mailbox reply and the volunteer form: the same.
        reply = marker("REPLY")
        r = rq.reply(reply)
        assert r.status_code == 503 and textarea_text(r.text) == reply
        assert "We cannot take messages right now. Nothing was sent." in under_h1(r.text)
        about, contact = marker("ABOUT"), marker("VCONTACT")
        r = vol.post("/en/volunteer", data={"csrf": find_csrf(vol_page), "about": about, "languages": "ru, en",
                                            "contact": contact, "vouchers": "olga"})
        assert r.status_code == 503, r.text[:2000]
        assert "We cannot take applications right now. Nothing was sent." in under_h1(r.text)
        assert textarea_text(r.text, "about") == about and field_value(r.text, "contact") == contact
        assert field_value(r.text, "languages") == "ru, en" and field_value(r.text, "vouchers") == "olga"

        # Staff: a line under the H1 of every page, and a note or a reply given back.
        home = anna.get("/en/staff/")
        assert home.status_code == 200 and BANNER in under_h1(home.text)
        note = marker("NOTE")
        r = anna.post(f"/en/staff/requests/{rid}/note", data={"csrf": find_csrf(request_page), "note": note})
        assert r.status_code == 503, r.text[:2000]
        assert "disk is full, so this was not saved" in under_h1(r.text)
        assert textarea_text(r.text, "note") == note
        answer = marker("ANSWER")
        r = anna.post(f"/en/staff/requests/{rid}/reply", files=multipart(find_csrf(request_page), answer, [("do", "reply")]))
        assert r.status_code == 503 and textarea_text(r.text) == answer
        assert "disk is full, so this was not saved" in under_h1(r.text)

        # The operator: one line for the whole burst, naming the path and the cause.
        log = inst.log()
        lines = [line for line in log.splitlines() if FULL_LINE in line]
        assert len(lines) == 1, log
        assert str(fs) in lines[0] and os.strerror(errno.ENOSPC) in lines[0], lines[0]
        assert "could not be stored" not in log

        # Room again: the same request goes through, and the staff line goes away.
        (fs / "filler").unlink()
        r = rq.submit(marker("AGAIN"), situation="border")
        assert r.status_code == 200, r.text[:2000]
        receipt_of(r)
        assert BANNER not in anna.get("/en/staff/").text
        r = rq.reply(reply)
        assert r.status_code == 303
        assert reply in rq.mailbox().text
        texts = anna.request_page(rid).text
        assert note not in texts and answer not in texts   # nothing half stored
    finally:
        try:
            if inst is not None:
                assert inst.stop() == 0, inst.log()
        finally:
            umount(fs)
