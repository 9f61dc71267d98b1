"""When a member leaves triage, what she could open stops growing (CRYPTO.md "Cases"): the
triage key is rotated at the next login of a remaining member, and every request still
sealed to the old key, or (while the rotation waited) to single members, moves to a new
epoch sealed to the new key and its requester only, linked back so that nothing earlier
is lost. Checked in the database itself, and through the pages."""

import re
import sqlite3
import struct

from conftest import run_cli
from intake_util import Requester, Staff, coordinator, find_csrf, marker
from test_intake import instances  # noqa: F401  (the fixture)


def db_rows(inst, sql, *args):
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def approve(anna, handle):
    page = anna.get("/en/staff/groups")
    row = re.search(r'<tr><td>' + re.escape(handle) + r'</td>.*?name="account" value="([0-9a-f]{32})"', page.text)
    assert row, page.text
    r = anna.post("/en/staff/groups", data={"csrf": find_csrf(page.text), "account": row.group(1)})
    assert r.status_code == 303


def test_a_member_leaving_triage_moves_requests_to_a_new_epoch(instances):
    inst = instances()
    anna = coordinator(inst, "anna")
    bea = Staff(inst, "bea", "coordinator").login()
    approve(anna, "bea")
    assert "You do not hold the triage key yet" not in bea.get("/en/staff/").text

    first, second = marker("FIRST"), marker("SECOND")
    rq1 = Requester(inst)
    receipt1 = rq1.submit_ok(first)
    assert db_rows(inst, "SELECT epoch FROM cases") == [(0,)]
    assert db_rows(inst, "SELECT holder_kind, holder_epoch FROM case_copies ORDER BY holder_kind") == [(0, 0), (1, 0)]

    # Bea is revoked: the key she held may not protect anything written from now on.
    assert run_cli("revoke", str(inst.dir), "bea").returncode == 0
    rq2 = Requester(inst)
    rq2.submit_ok(second)
    # while the rotation waits, the new request is sealed to each remaining holder's own key
    kinds = db_rows(inst, "SELECT c.created_hour, k.holder_kind FROM case_copies k JOIN cases c ON c.id = k.case_id "
                          "WHERE k.holder_kind = 2")
    assert len(kinds) == 1

    # Anna's next login rotates the key and moves both requests to epoch 1.
    anna.login()
    assert db_rows(inst, "SELECT epoch FROM groups WHERE name = 'triage'") == [(1,)]
    assert db_rows(inst, "SELECT epoch, count(*) FROM cases GROUP BY epoch") == [(1, 2)]
    assert db_rows(inst, "SELECT count(*) FROM case_copies WHERE holder_kind = 2") == [(0,)]
    assert db_rows(inst, "SELECT holder_kind, holder_epoch, e, count(*) FROM case_copies "
                         "GROUP BY holder_kind, holder_epoch, e ORDER BY holder_kind") == [(0, 0, 1, 2), (1, 1, 1, 2)]
    assert db_rows(inst, "SELECT kind, e, count(*) FROM case_links GROUP BY kind, e ORDER BY kind") == \
        [(0, 0, 2), (1, 0, 2)]

    # Everything written before still opens, for triage and for the requester.
    ids = anna.request_ids()
    assert len(ids) == 2
    texts = " ".join(anna.request_page(i).text for i in ids)
    assert first in texts and second in texts
    assert first in rq1.open_ok(receipt1).text

    # What is written now is sealed at epoch 1.
    rid = next(i for i in ids if first in anna.request_page(i).text)
    reply = marker("AFTER")
    assert anna.reply(rid, reply).status_code == 303
    assert reply in rq1.mailbox().text
    epochs = db_rows(inst, "SELECT seq, ct FROM items WHERE case_id = ? ORDER BY seq", bytes.fromhex(rid))
    assert epochs[0][0] == 1 and struct.unpack("<I", epochs[0][1][1:5])[0] == 0
    assert epochs[-1][0] == 2 and struct.unpack("<I", epochs[-1][1][1:5])[0] == 1
    assert rq1.reply(marker("HIS")).status_code == 303
    last = db_rows(inst, "SELECT ct FROM items WHERE case_id = ? ORDER BY seq DESC LIMIT 1", bytes.fromhex(rid))
    assert struct.unpack("<I", last[0][0][1:5])[0] == 1


def clone_case(inst, case_id, count):
    """Inserts count copies of a case's row and sealed copies under new ids and unused slots,
    while the daemon runs (a restart would collect them as rows without a key): requests
    that look real to the rekey's query."""
    db = sqlite3.connect(inst.dir / "sava.db", timeout=30)
    try:
        cols = [r[1] for r in db.execute("PRAGMA table_info(cases)")]
        row = db.execute(f"SELECT {', '.join(cols)} FROM cases WHERE id = ?", (case_id,)).fetchone()
        kcols = [r[1] for r in db.execute("PRAGMA table_info(case_copies)")]
        copies = db.execute(f"SELECT {', '.join(kcols)} FROM case_copies WHERE case_id = ?", (case_id,)).fetchall()
        for i in range(count):
            new = dict(zip(cols, row))
            new["id"] = struct.pack(">QQ", 0x5A5A, i)     # ids sort before a random one, mostly
            new["slot"] = 100000 + i
            db.execute(f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                       [new[c] for c in cols])
            for k in copies:
                kk = dict(zip(kcols, k))
                kk["case_id"] = new["id"]
                db.execute(f"INSERT INTO case_copies ({', '.join(kcols)}) VALUES ({', '.join('?' * len(kcols))})",
                           [kk[c] for c in kcols])
        db.commit()
    finally:
        db.close()


def test_requests_the_reset_left_behind_do_not_stop_later_rekeys(instances):
    """Regression (review, high): after `sava triage reset`, requests sealed to the old key
    can never move. The rekey took them in batches of 256 and stopped at a batch that moved
    nothing, so a later revocation left new requests sealed to the key of the member just
    revoked."""
    inst = instances()
    anna = coordinator(inst, "anna")
    Requester(inst).submit_ok(marker("OLD"))
    (old_id,) = db_rows(inst, "SELECT id FROM cases")[0]
    bea = Staff(inst, "bea", "coordinator")
    cara = Staff(inst, "cara", "coordinator")
    clone_case(inst, old_id, 300)
    assert run_cli("revoke", str(inst.dir), "anna").returncode == 0
    r = run_cli("triage", "reset", str(inst.dir), "--to", "bea")
    assert r.returncode == 0, r.stderr
    bea.login()
    assert db_rows(inst, "SELECT epoch FROM groups WHERE name = 'triage'") == [(1,)]
    Requester(inst).submit_ok(marker("NEW"))
    new = db_rows(inst, "SELECT c.id FROM cases c JOIN case_copies k ON k.case_id = c.id "
                        "WHERE k.holder_kind = 1 AND k.holder_epoch = 1")
    assert len(new) == 1
    cara.login()
    approve(bea, "cara")
    # Cara is revoked in the web UI: Bea rotates the key at once, and the new request moves.
    page = bea.get("/en/staff/accounts")
    cara_id = db_rows(inst, "SELECT hex(id) FROM accounts WHERE handle = 'cara'")[0][0].lower()
    r = bea.post("/en/staff/accounts", data={"csrf": find_csrf(page.text), "account": cara_id, "confirm": "yes"})
    assert r.status_code == 200
    assert db_rows(inst, "SELECT epoch FROM groups WHERE name = 'triage'") == [(2,)]
    assert db_rows(inst, "SELECT k.holder_epoch FROM case_copies k JOIN cases c ON c.id = k.case_id AND k.e = c.epoch "
                         "WHERE k.holder_kind = 1 AND c.id = ?", new[0][0]) == [(2,)]
    # the 301 requests from before the reset stay where they were
    assert db_rows(inst, "SELECT count(*) FROM case_copies WHERE holder_kind = 1 AND holder_epoch = 0") == [(301,)]
