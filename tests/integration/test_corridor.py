"""The green corridor so far (issue 5): Owls' profiles, assigning a request to an Owl by
language and free capacity, an Owl's own cases, compartments between Owls, reassignment
starting a new epoch that the Owl it leaves cannot open, the roster's filters and the
coordinators' board."""

import re
import sqlite3

from intake_util import Requester, Staff, coordinator, find_csrf, marker
from test_intake import instances  # noqa: F401  (the fixture)


def q(inst, sql, *args):
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def set_profile(owl, languages, capacity, paused=False, location=""):
    page = owl.get("/en/staff/profile")
    assert page.status_code == 200
    data = [("csrf", find_csrf(page.text)), ("location", location), ("capacity", str(capacity))]
    data += [("language", l) for l in languages]
    if paused:
        data.append(("paused", "1"))
    r = owl.post("/en/staff/profile", data=data)
    assert r.status_code == 303, r.text[:2000]


def account_id(inst, handle):
    return q(inst, "SELECT hex(id) FROM accounts WHERE handle = ?", handle)[0][0].lower()


def test_assignment_compartments_and_reassignment(instances):
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    vera = Staff(inst, "vera", "owl").login()
    nina = Staff(inst, "nina", "owl").login()
    set_profile(olga, ["ru"], 2)
    set_profile(vera, ["ru", "en"], 3, location="PL")
    set_profile(nina, ["ru"], 5, paused=True)          # paused: never suggested
    # a bad value is refused with the form, nothing changed
    page = olga.get("/en/staff/profile")
    r = olga.post("/en/staff/profile", data={"csrf": find_csrf(page.text), "capacity": "99", "language": "ru"})
    assert r.status_code == 400
    assert q(inst, "SELECT languages, capacity, status FROM accounts WHERE handle = 'olga'") == [("ru", 2, 0)]
    assert q(inst, "SELECT status FROM accounts WHERE handle = 'nina'") == [(1,)]

    ask = marker("ASK")
    rq = Requester(inst, "ru")
    receipt = rq.submit_ok(ask, files=[("doc.bin", b"D" * 500)])
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    owls = re.findall(r'<option value="([0-9a-f]{32})">(\w+) \((\d+) / (\d+)\)</option>', page)
    assert [o[1] for o in owls] == ["olga", "vera"], owls        # both speak ru; nina is paused
    # English request: only vera
    rq_en = Requester(inst, "en")
    rq_en.submit_ok(marker("EN"))

    # anna gives the Russian one to olga
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")})
    assert r.status_code == 303 and "assign=done" in r.headers["Location"]
    assert q(inst, "SELECT active_cases FROM accounts WHERE handle = 'olga'") == [(1,)]
    mine = olga.get("/en/staff/cases").text
    assert ask in mine
    assert vera.get("/en/staff/cases").text.count("/staff/requests/") == 0
    # olga reads, downloads, replies with a file, and writes a note
    page = olga.get(f"/en/staff/requests/{rid}")
    assert page.status_code == 200 and ask in page.text and "olga" in page.text
    fid = re.search(r"/staff/files/([0-9a-f]{32})", page.text).group(1)
    assert olga.get(f"/staff/files/{fid}").content == b"D" * 500
    answer, note = marker("ANSWER"), marker("NOTE")
    assert olga.reply(rid, answer, files=[("plan.bin", b"P" * 300)]).status_code == 303
    assert olga.post(f"/en/staff/requests/{rid}/note",
                     data={"csrf": find_csrf(olga.get(f"/en/staff/requests/{rid}").text), "note": note}).status_code == 303
    text = rq.open_ok(receipt).text
    assert answer in text and note not in text
    # olga cannot see the triage queue, nor assign
    assert olga.get("/staff/requests").status_code == 404
    assert olga.post(f"/en/staff/requests/{rid}/assign", data={"csrf": olga.token(), "handle": "vera"}).status_code == 404

    # vera, another Owl, gets the same 404 as for nothing, and changes nothing
    for path in (f"/staff/requests/{rid}", f"/staff/files/{fid}"):
        assert vera.get(path).status_code == 404
    tok = vera.token()
    assert vera.post(f"/en/staff/requests/{rid}/note", data={"csrf": tok, "note": "x"}).status_code == 404
    assert vera.reply(rid, "x", token=tok).status_code == 404
    assert vera.post(f"/en/staff/requests/{rid}/shred", data={"csrf": tok, "confirm": "yes"}).status_code == 404
    seq_before = q(inst, "SELECT seq FROM cases WHERE id = ?", bytes.fromhex(rid))

    # anna reassigns it to vera, by name: a new epoch, and olga's copy is gone
    page = anna.get(f"/en/staff/requests/{rid}").text
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "handle": "vera"})
    assert r.status_code == 303 and "assign=done" in r.headers["Location"]
    assert q(inst, "SELECT epoch FROM cases WHERE id = ?", bytes.fromhex(rid)) == [(1,)]
    assert q(inst, "SELECT count(*) FROM case_copies WHERE holder_kind = 2 AND holder = ?",
             bytes.fromhex(account_id(inst, "olga"))) == [(0,)]
    assert q(inst, "SELECT handle, active_cases FROM accounts WHERE handle IN ('olga', 'vera') ORDER BY handle") == \
        [("olga", 0), ("vera", 1)]
    assert q(inst, "SELECT seq FROM cases WHERE id = ?", bytes.fromhex(rid))[0][0] == seq_before[0][0] + 1
    assert olga.get(f"/staff/requests/{rid}").status_code == 404
    assert olga.get(f"/staff/files/{fid}").status_code == 404
    assert ask not in olga.get("/en/staff/cases").text
    # vera reads everything from before, through the links
    page = vera.get(f"/en/staff/requests/{rid}").text
    assert ask in page and answer in page and note in page
    assert vera.get(f"/staff/files/{fid}").content == b"D" * 500
    # the requester still reads everything, and writes on at the new epoch
    text = rq.mailbox().text
    assert ask in text and answer in text
    more = marker("MORE")
    assert rq.reply(more).status_code == 303
    assert more in vera.get(f"/en/staff/requests/{rid}").text
    assert q(inst, "SELECT waiting_hour IS NOT NULL FROM cases WHERE id = ?", bytes.fromhex(rid)) == [(1,)]

    # unknown Owl name: the request page says so
    page = anna.get(f"/en/staff/requests/{rid}").text
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "handle": "nobody"})
    assert r.status_code == 303 and "assign=none" in r.headers["Location"]
    # an admin sees the roster (filtered) but cannot assign
    roster = anna.get("/en/staff/accounts?lang=en").text
    assert "vera" in roster and "olga" not in roster
    roster = anna.get("/en/staff/accounts?free=1").text
    assert "olga" in roster and "nina" not in roster      # nina is paused
    roster = anna.get("/en/staff/accounts?status=paused").text
    assert "nina" in roster and "olga" not in roster
    assert "assign" in anna.get("/en/staff/audit").text


def test_the_board_lists_requesters_waiting_too_long(instances):
    inst = instances(conf={("cases", "response_hours"): "2"})
    anna = coordinator(inst)
    old, fresh = marker("OLD"), marker("FRESH")
    Requester(inst).submit_ok(old)
    Requester(inst).submit_ok(fresh)
    page = anna.get("/en/staff/cases").text
    assert "Nobody is waiting too long." in page
    assert inst.stop() == 0
    db = sqlite3.connect(inst.dir / "sava.db")
    try:
        db.execute("UPDATE cases SET waiting_hour = waiting_hour - 5 WHERE rowid = 1")
        db.commit()
    finally:
        db.close()
    again = instances(root=inst.root, init=False)
    anna.inst = again
    anna.login()
    page = anna.get("/en/staff/cases").text
    board = page.split("Waiting too long")[1]
    assert old in board and fresh not in board
    assert re.search(r"new</td><td>2</td>", page)
    # an answer takes it off the board
    rid = re.search(r"/staff/requests/([0-9a-f]{32})", board).group(1)
    assert anna.reply(rid, "we read you").status_code == 303
    assert "Nobody is waiting too long." in anna.get("/en/staff/cases").text
