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
