"""Short memory (DESIGN.md section 2.5): a request past its retention is crypto-shredded
by `sava purge DIR` and by the daemon (at start, then hourly), and a coordinator can
shred one at once. Its shred-key slot is destroyed first, so a copy of the database taken
before cannot open it with any key still present; then its rows and files go."""

import shutil
import sqlite3
import time

from conftest import run_cli
from intake_util import Requester, Staff, coordinator, find_csrf, marker, NO_MAILBOX
from test_intake import instances  # noqa: F401  (the fixture)


def q(path, sql, *args):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def age(inst, case_id_hex, hours):
    """Moves a request's last activity back (the daemon must be stopped)."""
    db = sqlite3.connect(inst.dir / "sava.db")
    try:
        db.execute("UPDATE cases SET activity_hour = activity_hour - ? WHERE id = ?", (hours, bytes.fromhex(case_id_hex)))
        db.commit()
    finally:
        db.close()


def blobs(inst):
    return {p.name for p in (inst.dir / "blobs").iterdir()}


def case_of(inst, message, coord):
    for rid in coord.request_ids():
        if message in coord.request_page(rid).text:
            return rid
    raise AssertionError("request not found")


def test_purge_shreds_expired_requests_and_a_copy_taken_before_opens_nothing(instances, tmp_path):
    inst = instances(conf={("retention", "days"): "30"})
    coord = coordinator(inst)
    old_msg, new_msg = marker("OLD"), marker("NEW")
    rq_old, rq_new = Requester(inst), Requester(inst)
    receipt_old = rq_old.submit_ok(old_msg, files=[("a.bin", b"A" * 1000), ("b.bin", b"B" * 70000)])
    receipt_new = rq_new.submit_ok(new_msg, files=[("c.bin", b"C" * 10)])
    old_id, new_id = case_of(inst, old_msg, coord), case_of(inst, new_msg, coord)
    old_files = {r[0].hex() for r in q(inst.dir / "sava.db", "SELECT id FROM attachments WHERE case_id = ?",
                                         bytes.fromhex(old_id))}
    assert len(old_files) == 2 and old_files <= blobs(inst)
    assert inst.stop() == 0

    age(inst, old_id, 31 * 24)
    before = tmp_path / "before.db"
    shutil.copy(inst.dir / "sava.db", before)   # a backup taken before the purge

    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0, r.stderr
    assert "Shredded 1 expired request(s)." in r.stdout
    db = inst.dir / "sava.db"
    oid = bytes.fromhex(old_id)
    for table in ("cases", "case_copies", "case_links", "items", "attachments"):
        col = "id" if table == "cases" else "case_id"
        assert q(db, f"SELECT count(*) FROM {table} WHERE {col} = ?", oid) == [(0,)], table
    assert not (old_files & blobs(inst)), "a shredded request's files remain"
    assert q(db, "SELECT count(*) FROM cases") == [(1,)]
    # a second run finds nothing
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0 and "Shredded 0 expired request(s)." in r.stdout

    # The copy from before names the request's slot in keys/shred.kf: the key it held, the
    # only place the request's shred key ever was, is gone, and no other slot names it.
    (slot,) = q(before, "SELECT slot FROM cases WHERE id = ?", oid)[0]
    kf = (inst.dir / "keys" / "shred.kf").read_bytes()
    assert kf[16 + 128 * slot:16 + 128 * (slot + 1)] == bytes(128)
    live = [kf[16 + 128 * i + 8:16 + 128 * i + 24] for i in range((len(kf) - 16) // 128) if kf[16 + 128 * i] == 1]
    assert oid not in live and len(live) == 1

    again = instances(root=inst.root, init=False)
    rq = Requester(again)
    r = rq.open(receipt_old)
    assert r.status_code == 200 and NO_MAILBOX in r.text
    assert new_msg in Requester(again).open_ok(receipt_new).text
    coord.inst = again
    coord.login()
    assert coord.get(f"/staff/requests/{old_id}").status_code == 404
    assert new_msg in coord.request_page(new_id).text
    assert "request expired" in coord.get("/en/staff/audit").text


def test_the_daemon_purges_at_start(instances):
    inst = instances(conf={("retention", "days"): "30"})
    coord = coordinator(inst)
    msg = marker("AGED")
    Requester(inst).submit_ok(msg)
    rid = case_of(inst, msg, coord)
    assert inst.stop() == 0
    age(inst, rid, 31 * 24)
    again = instances(root=inst.root, init=False)
    deadline = time.monotonic() + 20
    # the log line follows the deletion: wait for both
    while time.monotonic() < deadline and (q(again.dir / "sava.db", "SELECT count(*) FROM cases") != [(0,)] or
                                           "shredded 1 expired request(s)" not in again.log()):
        time.sleep(0.1)
    assert q(again.dir / "sava.db", "SELECT count(*) FROM cases") == [(0,)]
    assert "shredded 1 expired request(s)" in again.log()


def test_closed_and_rejected_requests_expire_sooner(instances):
    inst = instances(conf={("retention", "days"): "60", ("retention", "closed_days"): "7",
                           ("retention", "rejected_days"): "2"})
    coord = coordinator(inst)
    msgs = [marker("OPEN"), marker("CLOSED"), marker("REJECTED")]
    for m in msgs:
        Requester(inst).submit_ok(m)
    ids = [case_of(inst, m, coord) for m in msgs]
    assert inst.stop() == 0
    db = sqlite3.connect(inst.dir / "sava.db")
    try:
        db.execute("UPDATE cases SET stage = 7 WHERE id = ?", (bytes.fromhex(ids[1]),))
        db.execute("UPDATE cases SET stage = 8 WHERE id = ?", (bytes.fromhex(ids[2]),))
        db.execute("UPDATE cases SET activity_hour = activity_hour - 8 * 24")
        db.commit()
    finally:
        db.close()
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0 and "Shredded 2 expired request(s)." in r.stdout
    left = q(inst.dir / "sava.db", "SELECT id FROM cases")
    assert [x[0].hex() for x in left] == [ids[0]]


def test_a_coordinator_shreds_a_request_after_a_confirmation(instances):
    inst = instances()
    coord = coordinator(inst)
    msg = marker("SHRED")
    rq = Requester(inst)
    receipt = rq.submit_ok(msg, files=[("x.bin", b"x" * 100)])
    rq.open_ok(receipt)
    rid = case_of(inst, msg, coord)
    files = blobs(inst)
    assert files

    page = coord.get(f"/en/staff/requests/{rid}/shred")
    assert page.status_code == 200 and "You are about to shred request" in page.text and rid[:4].upper() in page.text
    assert msg in coord.request_page(rid).text              # the confirmation page changed nothing
    # an owl cannot, and sees nothing there
    owl = Staff(inst, "olga", "owl").login()
    assert owl.get(f"/staff/requests/{rid}/shred").status_code == 404
    r = owl.post(f"/staff/requests/{rid}/shred", data={"csrf": owl.token(), "confirm": "yes"})
    assert r.status_code == 404
    assert msg in coord.request_page(rid).text

    r = coord.post(f"/staff/requests/{rid}/shred", data={"csrf": find_csrf(page.text), "confirm": "yes"})
    assert r.status_code == 303 and "shredded=1" in r.headers["Location"]
    assert coord.get(f"/staff/requests/{rid}").status_code == 404
    assert "The request was shredded" in coord.get("/en/staff/requests?shredded=1").text
    assert not (files & blobs(inst))
    assert q(inst.dir / "sava.db", "SELECT count(*) FROM cases") == [(0,)]
    assert q(inst.dir / "sava.db", "SELECT count(*) FROM sessions WHERE kind = 2") == [(0,)]
    # the requester's open mailbox ends, and his receipt opens nothing
    page = rq.mailbox()
    assert page.status_code == 200 and 'name="receipt"' in page.text
    r = rq.open(receipt)
    assert r.status_code == 200 and NO_MAILBOX in r.text
    audit = coord.get("/en/staff/audit").text
    assert "request shredded" in audit


def test_a_shred_that_cannot_read_the_key_file_keeps_the_rows_and_the_purge_finishes_it(instances):
    """Regression (review, medium): when shred.kf could not be opened, the shred was reported
    as done: the rows were deleted and "request shredded" audited, while the key and the
    receipt's lookup stayed in shred.kf. Now the rows stay, the page says the shred will be
    finished, and the purge finishes it once the file can be read again."""
    inst = instances()
    coord = coordinator(inst)
    msg = marker("LATER")
    rq = Requester(inst)
    receipt = rq.submit_ok(msg, files=[("x.bin", b"x" * 100)])
    rid = case_of(inst, msg, coord)
    page = coord.get(f"/en/staff/requests/{rid}/shred")
    kf = inst.dir / "keys" / "shred.kf"
    away = inst.dir / "keys" / "shred.kf.away"
    kf.rename(away)
    try:
        r = coord.post(f"/staff/requests/{rid}/shred", data={"csrf": find_csrf(page.text), "confirm": "yes"})
    finally:
        away.rename(kf)
    assert r.status_code == 303 and "shredded=later" in r.headers["Location"]
    assert "next hourly purge finishes the shred" in coord.get("/en/staff/requests?shredded=later").text
    assert q(inst.dir / "sava.db", "SELECT count(*) FROM cases WHERE shred_pending = 1") == [(1,)]
    # who asked is in the log at once, even though the shred finishes later (review)
    assert "request shredded" in coord.get("/en/staff/audit").text
    assert "its rows are kept" in inst.log()
    # The key is still there: the receipt still opens the mailbox until the purge runs.
    assert rq.open(receipt).status_code == 303
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0 and "Shredded 1 expired request(s)." in r.stdout, (r.stdout, r.stderr)
    assert q(inst.dir / "sava.db", "SELECT count(*) FROM cases") == [(0,)]
    assert coord.get(f"/staff/requests/{rid}").status_code == 404
    audit = coord.get("/en/staff/audit").text
    assert audit.count("request shredded") == 1 and "request expired" not in audit
    r = Requester(inst).open(receipt)
    assert r.status_code == 200 and NO_MAILBOX in r.text


def zero_slot(inst, case_id_hex):
    (slot,) = q(inst.dir / "sava.db", "SELECT slot FROM cases WHERE id = ?", bytes.fromhex(case_id_hex))[0]
    with open(inst.dir / "keys" / "shred.kf", "r+b") as f:
        f.seek(16 + 128 * slot)
        f.write(bytes(128))


def test_rows_whose_key_is_gone_are_deleted_and_their_slot_reused(instances):
    """A shred whose rows could not be deleted (a crash between the two) leaves rows that
    open nothing: they go at the next start, and their slot serves a new request."""
    inst = instances(conf={("retention", "days"): "30"})
    coord = coordinator(inst)
    a, b = marker("A"), marker("B")
    Requester(inst).submit_ok(a, files=[("f.bin", b"f" * 10)])
    Requester(inst).submit_ok(b)
    ida, idb = case_of(inst, a, coord), case_of(inst, b, coord)
    assert inst.stop() == 0
    zero_slot(inst, ida)          # as if shredded, rows left behind
    zero_slot(inst, idb)
    age(inst, idb, 31 * 24)       # and one of them expired too: purge must not stop at it
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0 and "Shredded 1 expired request(s)." in r.stdout, (r.stdout, r.stderr)
    again = instances(root=inst.root, init=False)
    assert "deleted the rows of 1 request(s) whose key was already destroyed" in again.log()
    assert q(again.dir / "sava.db", "SELECT count(*) FROM cases") == [(0,)]
    assert blobs(again) == set()
    rq = Requester(again)
    for i in range(3):   # new requests get the freed slots
        rq.submit_ok(marker(f"NEW{i}"))
