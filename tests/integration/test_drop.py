"""The secure drop (issue 14) against the real daemon. Online: a source sends files and a
message to /{lang}/drop, gets a receipt, analysts (and only they) read it on /staff/drop,
download its files, ask a question that the source reads in his mailbox. Offline: the
submission is sealed to a key made by `sava drop keygen`; `sava drop export` writes
bundles that `sava decrypt` opens with the key file and nothing on the server opens;
keep_days shreds them. No plaintext marker reaches the instance directory."""
import os
import re
import subprocess
import time

import pytest

from conftest import HTTP_TIMEOUT, conf_set, run_cli, start_instance, _teardown
from intake_util import (Requester, Staff, coordinator, find_csrf, marker, multipart, receipt_of, scan_tree,
                         shows_mailbox, unique)

DROP_LINK_RE = re.compile(r'href="(?:/[a-z]{2})?/staff/drop/([0-9a-f]{32})"')
DROP_FILE_RE = re.compile(r'href="(?:/[a-z]{2})?/staff/drop/files/([0-9a-f]{32})"')


def send(rq, message, files=()):
    page = rq.get(f"/{rq.lang}/drop")
    assert page.status_code == 200 and 'novalidate' in page.text
    return rq.post(f"/{rq.lang}/drop", files=multipart(find_csrf(page.text), message, (), files))


def analysts(inst):
    """Two analysts: the first makes the analysts' key at her login and gives it to the
    second on the drop page."""
    ada = Staff(inst, "ada", "analyst").login()
    abe = Staff(inst, "abe", "analyst").login()
    r = abe.get("/en/staff/drop")
    assert r.status_code == 200 and "do not hold the analysts" in r.text
    page = ada.get("/en/staff/drop")
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert m, "ada's page offers the key to abe"
    r = ada.post("/en/staff/drop", data={"csrf": find_csrf(page.text), "account": m.group(1)})
    assert r.status_code == 303
    return ada, abe


@pytest.fixture
def inst(tmp_path):
    i = start_instance(tmp_path)
    yield i
    _teardown(i)


def test_drop_closed_until_an_analyst_makes_the_key(inst):
    rq = Requester(inst)
    page = rq.get("/en/drop")
    assert page.status_code == 200 and "Documents are not accepted here yet" in page.text

    r = rq.post("/en/drop", files=multipart(rq.token, "hello", (), [("a.txt", b"x")]))
    assert r.status_code == 503
    # a coordinator's triage key does not open the drop
    coordinator(inst)
    assert "Documents are not accepted here yet" in rq.get("/en/drop").text


def test_drop_online_round_trip(inst):
    ada, abe = analysts(inst)
    anna = coordinator(inst)
    msg, fmark = marker("DROPMSG"), marker("DROPFILE")
    doc = (fmark + "\n").encode() * 5000 + os.urandom(70000)
    rq = Requester(inst, "ru")
    page = rq.get("/ru/drop")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    r = send(rq, msg, [("order.pdf", doc), ("list.txt", b"names " + fmark.encode())])
    assert r.status_code == 200, r.text[:2000]
    receipt = receipt_of(r)
    # analysts see it in their queue, newest first; the triage queue does not
    ids = unique(DROP_LINK_RE.findall(abe.get("/en/staff/drop").text))
    assert len(ids) == 1
    did = ids[0]
    assert did not in anna.get("/en/staff/requests").text
    assert anna.get(f"/en/staff/requests/{did}").status_code == 404
    assert anna.get(f"/en/staff/drop/{did}").status_code == 404
    assert anna.get("/en/staff/drop").status_code == 404
    page = abe.get(f"/en/staff/drop/{did}")
    assert page.status_code == 200 and msg in page.text
    fids = unique(DROP_FILE_RE.findall(page.text))
    assert len(fids) == 2
    got = sorted(abe.get(f"/en/staff/drop/files/{f}").content for f in fids)
    assert sorted([doc, b"names " + fmark.encode()]) == got
    assert anna.get(f"/en/staff/drop/files/{fids[0]}").status_code == 404
    assert anna.get(f"/en/staff/files/{fids[0]}").status_code == 404
    # a question to the source, read in the mailbox his receipt opens
    q = marker("QUESTION")
    r = abe.post(f"/en/staff/drop/{did}/reply", files=multipart(find_csrf(page.text), q, (), ()))
    assert r.status_code == 303, r.text[:1000]
    assert "Sent." in abe.get(r.headers["Location"]).text
    rq2 = Requester(inst, "ru")
    box = rq2.open_ok(receipt)
    assert q in box.text and msg in box.text
    a = marker("ANSWER")
    assert rq2.reply(a).status_code == 303
    assert a in ada.get(f"/en/staff/drop/{did}").text
    # the audit log names the reads and the answer
    audit = anna.get("/en/staff/audit")
    assert audit.status_code == 200
    # nothing of it in the clear at rest
    found = []
    scan_tree(inst.dir, [msg, fmark, q, a], found)
    assert not found, found


def test_drop_form_gives_back_the_message(inst):
    analysts(inst)
    rq = Requester(inst)
    r = send(rq, "")
    assert r.status_code == 400 and "Choose a file to send, or write a message." in r.text
    long = "x" * 30000
    r = send(rq, long)
    assert r.status_code == 400 and long in r.text
