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
    assert anna.get(f"/en/staff/requests/{did}/shred").status_code == 404
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
    assert not any(x in inst.log() for x in (msg, fmark, q, a, receipt.replace(" ", "")))


def test_drop_form_gives_back_the_message(inst):
    analysts(inst)
    rq = Requester(inst)
    r = send(rq, "")
    assert r.status_code == 400 and "Choose a file to send, or write a message." in r.text
    long = "x" * 30000
    r = send(rq, long)
    assert r.status_code == 400 and long in r.text


# ---------------------------------------------------------------- offline mode

def keygen(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    key = tmp_path / "offline.key"
    r = run_cli("drop", "keygen", str(key))
    assert r.returncode == 0, r.stderr
    m = re.fullmatch(r"offline_key = ([0-9a-f]{64})\n", r.stdout)
    assert m, r.stdout
    assert (os.stat(key).st_mode & 0o777) == 0o600
    assert len(key.read_bytes()) == 76
    # a second keygen never overwrites a key file
    assert run_cli("drop", "keygen", str(key)).returncode == 1
    return key, m.group(1)


@pytest.fixture
def offline(tmp_path):
    key, pk = keygen(tmp_path)
    i = start_instance(tmp_path / "srv", conf={("drop", "mode"): "offline", ("drop", "offline_key"): pk})
    yield i, key
    _teardown(i)


def export(inst, out):
    out.mkdir(exist_ok=True)
    r = run_cli("drop", "export", str(inst.dir), str(out))
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*.savadrop"))


def decrypt(key, bundle, out):
    out.mkdir(exist_ok=True)
    return run_cli("decrypt", str(key), str(bundle), str(out))


def test_offline_round_trip_gives_the_exact_bytes(offline, tmp_path):
    inst, key = offline
    msg, fmark = marker("OFFMSG"), marker("OFFFILE")
    big = os.urandom(200000) + fmark.encode() + os.urandom(1000)
    small = b"order " + fmark.encode()
    rq = Requester(inst)
    page = rq.get("/en/drop")
    assert "cannot read them" in page.text   # says plainly that this server cannot open it
    r = send(rq, msg, [("order no. 5.pdf", big), ("../../etc/pass\u202ewd\u2066", small)])
    assert r.status_code == 200, r.text[:2000]
    receipt = receipt_of(r)
    # nothing of it at rest in the clear
    found = []
    scan_tree(inst.dir, [msg, fmark], found)
    assert not found, found
    # the receipt opens a mailbox that says where the words went
    src = Requester(inst)
    box = src.open_ok(receipt)
    assert msg not in box.text and "this server cannot read it" in box.text
    assert 'action="/en/mailbox/reply"' not in box.text
    # nothing typed into it is kept for that computer: a reply is refused
    late = marker("LATE")
    r = src.reply(late)
    assert r.status_code == 409 and "does not take messages" in r.text and late in r.text   # given back
    assert "LATE-" not in src.mailbox().text
    # export: one bundle, then none waiting
    bundles = export(inst, tmp_path / "usb")
    assert len(bundles) == 1
    assert export(inst, tmp_path / "usb2") == []
    out = tmp_path / "offline-out"
    r = decrypt(key, bundles[0], out)
    assert r.returncode == 0, r.stderr
    d = out / bundles[0].name.split(".")[0]
    assert r.stdout.strip() == str(d)
    assert (d / "message.txt").read_text() == msg
    files = sorted(p.name for p in d.iterdir())
    assert files == ["01-order no. 5.pdf", "02-pass_wd_", "message.txt", "reply-key.txt"], files
    assert (d / "01-order no. 5.pdf").read_bytes() == big
    assert (d / "02-pass_wd_").read_bytes() == small
    assert re.search(r"^mailbox_key [0-9a-f]{64}$", (d / "reply-key.txt").read_text(), re.M)
    # a second decrypt of the same bundle into the same place is refused
    assert decrypt(key, bundles[0], out).returncode == 1
    # a question written offline reaches the source's mailbox, imported unopened
    q = marker("OFFQUESTION")
    (tmp_path / "q.txt").write_text(q + "\nКто подписал приказ?")
    reply = tmp_path / "reply.savareply"
    r = run_cli("drop", "answer", str(d / "reply-key.txt"), str(tmp_path / "q.txt"), str(reply))
    assert r.returncode == 0, r.stderr
    assert q.encode() not in reply.read_bytes()
    r = run_cli("drop", "reply", str(inst.dir), str(reply))
    assert r.returncode == 0, r.stderr
    box = Requester(inst).open_ok(receipt)
    assert q in box.text and "Кто подписал приказ?" in box.text
    assert "could not be opened" not in box.text
    found = []
    scan_tree(inst.dir, [q], found)
    assert not found, found
    # a damaged reply file, or one for a drop this server does not have, is refused
    data = bytearray(reply.read_bytes())
    bad = tmp_path / "bad.savareply"
    bad.write_bytes(bytes(data[:-1]))
    assert run_cli("drop", "reply", str(inst.dir), str(bad)).returncode == 1
    data[12] ^= 1
    bad.write_bytes(bytes(data))
    r = run_cli("drop", "reply", str(inst.dir), str(bad))
    assert r.returncode == 1 and "not on this server" in r.stderr


def test_no_key_on_the_server_opens_a_bundle(offline, tmp_path):
    """The bundle's sealed box opens with the offline key file and with nothing the server
    holds: not instance.key, not any 32-byte window of shred.kf (every slot's z and lookup),
    not the database's blobs, not another key pair's file."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox
    inst, key = offline
    assert send(Requester(inst), marker("NOKEY"), [("a.bin", os.urandom(3000))]).status_code == 200
    assert send(Requester(inst), marker("NOKEY"), []).status_code == 200
    bundles = export(inst, tmp_path / "usb")
    assert len(bundles) == 2
    sealed = [b.read_bytes()[28:140] for b in bundles]
    secret = key.read_bytes()[12:44]
    for box in sealed:   # the offline key opens them: the check below can tell
        assert len(SealedBox(PrivateKey(secret)).decrypt(box)) == 64
    candidates = []
    ik = (inst.dir / "keys" / "instance.key").read_bytes()
    candidates += [ik[i:i + 32] for i in range(len(ik) - 31)]
    kf = (inst.dir / "keys" / "shred.kf").read_bytes()
    live = [kf[16 + 128 * i:16 + 128 * (i + 1)] for i in range((len(kf) - 16) // 128) if kf[16 + 128 * i] == 1]
    assert len(live) >= 2, "each submission has its shred-key slot"
    for slot in live:
        candidates += [slot[i:i + 32] for i in range(128 - 31)]
    db = (inst.dir / "sava.db").read_bytes()
    candidates += [db[i:i + 32] for i in range(0, len(db) - 31, 16)]
    for blob in (inst.dir / "blobs").iterdir():
        data = blob.read_bytes()[:4096]
        candidates += [data[i:i + 32] for i in range(0, len(data) - 31, 8)]
    opened = 0
    for c in set(candidates):
        for box in sealed:
            try:
                SealedBox(PrivateKey(c)).decrypt(box)
                opened += 1
            except CryptoError:
                pass
    assert opened == 0
    assert len(set(candidates)) > 1000


def test_a_flipped_or_cut_bundle_writes_nothing(offline, tmp_path):
    inst, key = offline
    rq = Requester(inst)
    assert send(rq, marker("FLIP"), [("a.bin", os.urandom(100000))]).status_code == 200
    bundle = export(inst, tmp_path / "usb")[0]
    data = bundle.read_bytes()
    out = tmp_path / "out"
    for pos in (0, 9, 20, 40, 141, 150, 160, 200, len(data) // 2, len(data) - 1):
        bad = tmp_path / f"bad{pos}.savadrop"
        b = bytearray(data)
        b[pos] ^= 0x01
        bad.write_bytes(bytes(b))
        r = decrypt(key, bad, out)
        assert r.returncode == 1, (pos, r.stdout)
        assert list(out.iterdir()) == [], pos
    for cut in (10, 144, 200, len(data) - 1):
        bad = tmp_path / f"cut{cut}.savadrop"
        bad.write_bytes(data[:cut])
        assert decrypt(key, bad, out).returncode == 1
        assert list(out.iterdir()) == []
    bad = tmp_path / "long.savadrop"
    bad.write_bytes(data + b"\0")
    assert decrypt(key, bad, out).returncode == 1
    assert list(out.iterdir()) == []
    # another offline key opens nothing
    other, _ = keygen(tmp_path / "other")
    assert decrypt(other, bundle, out).returncode == 1
    assert list(out.iterdir()) == []
    assert decrypt(key, bundle, out).returncode == 0


def test_exported_bundles_are_shredded_after_keep_days(offline, tmp_path):
    import sqlite3
    inst, key = offline
    rq = Requester(inst)
    r = send(rq, marker("KEEP"), [("a.bin", os.urandom(5000))])
    receipt = receipt_of(r)
    send(Requester(inst), marker("WAIT"), [("b.bin", os.urandom(5000))])
    bundles = export(inst, tmp_path / "usb")
    assert len(bundles) == 2
    # a third, not exported: it waits and is never shredded by keep_days
    send(Requester(inst), marker("LATER"), [("c.bin", os.urandom(5000))])
    inst.stop()
    db = sqlite3.connect(inst.dir / "sava.db")
    with db:
        db.execute("UPDATE cases SET activity_hour = activity_hour - 24 * 31")
    db.close()
    blobs_before = len(list((inst.dir / "blobs").iterdir()))
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(inst.dir / "sava.db")
    assert db.execute("SELECT count(*) FROM drops").fetchone()[0] == 1
    assert db.execute("SELECT state FROM drops").fetchone()[0] == 0
    db.close()
    assert len(list((inst.dir / "blobs").iterdir())) == blobs_before - 4
    # the shredded one's receipt opens nothing any more; the bundle still opens offline
    again = start_instance(tmp_path / "srv", init=False)
    try:
        assert "We could not open a mailbox" in Requester(again).open(receipt).text
    finally:
        _teardown(again)
    assert decrypt(key, bundles[0], tmp_path / "o").returncode == 0
    assert len(export(inst, tmp_path / "usb3")) == 1


def test_analysts_key_rotation_moves_the_drops_and_keeps_them_from_request_pages(inst):
    """After an analyst is revoked, submissions are sealed to each remaining analyst (the key
    waits for rotation) and never open through the request pages; the next login rotates
    the key and moves them, so an analyst given the key only then reads them; a triage
    key rotation in between changes nothing for them."""
    ada, abe = analysts(inst)
    carl = Staff(inst, "carl", "analyst").login()
    page = ada.get("/en/staff/drop")
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert ada.post("/en/staff/drop", data={"csrf": find_csrf(page.text), "account": m.group(1)}).status_code == 303
    anna = coordinator(inst)
    before = marker("BEFORE")
    assert send(Requester(inst), before, []).status_code == 200
    r = run_cli("revoke", str(inst.dir), "carl")
    assert r.returncode == 0, r.stderr
    during = marker("DURING")
    assert send(Requester(inst), during, [("a.txt", b"x")]).status_code == 200
    ids = unique(DROP_LINK_RE.findall(ada.get("/en/staff/drop").text))
    assert len(ids) == 2
    for did in ids:
        page = ada.get(f"/en/staff/drop/{did}")
        assert page.status_code == 200
        assert ada.get(f"/en/staff/requests/{did}").status_code == 404
        assert ada.post(f"/en/staff/requests/{did}/note",
                        data={"csrf": find_csrf(page.text), "note": "x"}).status_code == 404
    # a triage rotation (another coordinator revoked, anna's login rotates) in between
    Staff(inst, "cora", "coordinator")
    assert run_cli("revoke", str(inst.dir), "cora").returncode == 0
    anna.login()
    ada.login()   # rotates the analysts' key and moves both submissions
    dora = Staff(inst, "dora", "analyst").login()
    page = ada.get("/en/staff/drop")
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert ada.post("/en/staff/drop", data={"csrf": find_csrf(page.text), "account": m.group(1)}).status_code == 303
    dora.login()
    texts = "".join(dora.get(f"/en/staff/drop/{did}").text for did in ids)
    assert before in texts and during in texts
    assert carl.get("/en/staff/drop").status_code in (303, 404)


def test_offline_submissions_waiting_for_export_are_capped_and_expire(tmp_path):
    """Offline, nothing leaves the server until an export: past [drop] waiting_max new
    submissions are refused (and nothing is kept), and one never exported is shredded
    unread after [drop] waiting_days, with its receipt."""
    import sqlite3
    key, pk = keygen(tmp_path)
    inst = start_instance(tmp_path / "srv", conf={("drop", "mode"): "offline", ("drop", "offline_key"): pk,
                                                  ("drop", "waiting_max"): "2", ("drop", "waiting_days"): "3"})
    try:
        first = receipt_of(send(Requester(inst), marker("ONE"), [("a.bin", os.urandom(3000))]))
        send(Requester(inst), marker("TWO"), [])
        rq = Requester(inst)
        blobs = len(list((inst.dir / "blobs").iterdir()))
        r = rq.post("/en/drop", files=multipart(rq.token, marker("THREE"), (), [("c.bin", os.urandom(3000))]))
        assert r.status_code == 503 and "busy" in r.text, r.text[:2000]
        assert len(list((inst.dir / "blobs").iterdir())) == blobs
    finally:
        inst.stop()
    db = sqlite3.connect(inst.dir / "sava.db")
    with db:
        assert db.execute("SELECT count(*) FROM drops WHERE state = 0").fetchone()[0] == 2
        db.execute("UPDATE drops SET created_hour = created_hour - 24 * 4")
        db.execute("UPDATE cases SET activity_hour = activity_hour - 24 * 4")
    db.close()
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0, r.stderr
    assert "waited more than [drop] waiting_days" in r.stderr + r.stdout
    db = sqlite3.connect(inst.dir / "sava.db")
    assert db.execute("SELECT count(*) FROM drops").fetchone()[0] == 0
    db.close()
    assert list((inst.dir / "blobs").iterdir()) == []
    again = start_instance(tmp_path / "srv", init=False)
    try:
        assert "We could not open a mailbox" in Requester(again).open(first).text
    finally:
        _teardown(again)
