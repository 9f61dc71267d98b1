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


def move(who, rid, frm, to, reason=None):
    page = who.get(f"/en/staff/requests/{rid}")
    token = find_csrf(page.text) if page.status_code == 200 else who.token()   # a page she cannot open
    data = {"csrf": token, "from": str(frm), "to": str(to)}
    if reason is not None:
        data["reason"] = reason
    return who.post(f"/en/staff/requests/{rid}/stage", data=data)


def test_from_first_message_to_closed_with_two_verifiers(instances):
    inst = instances()
    anna = Staff(inst, "anna", "coordinator", "verifier").login()   # creates the triage key
    olga = Staff(inst, "olga", "owl", "verifier").login()
    vera = Staff(inst, "vera", "owl").login()
    set_profile(olga, ["ru"], 3)
    rq = Requester(inst, "ru")
    receipt = rq.submit_ok(marker("HELP"))
    rq.lang = "en"    # a Russian request; his mailbox read in English below
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert "Stage: new" in page and "Look for signs of a provocation" in page   # the default checklist
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")})
    assert r.status_code == 303

    # a skip is refused; someone else's Owl gets 404 and changes nothing
    r = move(olga, rid, 0, 2)
    assert r.status_code == 303 and "stage=invalid" in r.headers["Location"]
    assert "That move is not possible" in olga.get(r.headers["Location"]).text
    assert move(vera, rid, 0, 1).status_code == 404
    assert q(inst, "SELECT stage FROM cases") == [(0,)]

    # the checklist of a stage is saved (staff only)
    page = olga.get(f"/en/staff/requests/{rid}").text
    r = olga.post(f"/en/staff/requests/{rid}/checklist",
                  data=[("csrf", find_csrf(page)), ("stage", "0"), ("done", "0"), ("done", "2")])
    assert r.status_code == 303
    page = olga.get(f"/en/staff/requests/{rid}").text
    assert len(re.findall(r'name="done" value="\d" checked', page)) == 2

    for frm, to in ((0, 1), (1, 2), (2, 3), (3, 4)):
        r = move(olga, rid, frm, to)
        assert r.status_code == 303 and "stage=moved" in r.headers["Location"], (frm, to, r.headers.get("Location"))
    # a stale form (someone moved it first)
    assert "stage=stale" in move(olga, rid, 3, 4).headers["Location"]
    # "safe" needs two different verifiers
    assert "stage=verifiers" in move(olga, rid, 4, 5).headers["Location"]
    page = olga.get(f"/en/staff/requests/{rid}").text
    assert olga.post(f"/en/staff/requests/{rid}/verify", data={"csrf": find_csrf(page), "note": "met him"}).status_code == 303
    assert olga.post(f"/en/staff/requests/{rid}/verify", data={"csrf": find_csrf(page)}).status_code == 303
    assert "stage=verifiers" in move(olga, rid, 4, 5).headers["Location"]     # the same verifier twice
    # vera is no verifier, and cannot open it anyway
    assert vera.post(f"/en/staff/requests/{rid}/verify", data={"csrf": vera.token()}).status_code == 404
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert anna.post(f"/en/staff/requests/{rid}/verify", data={"csrf": find_csrf(page)}).status_code == 303
    assert "stage=moved" in move(olga, rid, 4, 5).headers["Location"]
    assert "stage=moved" in move(anna, rid, 5, 6).headers["Location"]
    assert "In progress" in rq.open_ok(receipt).text
    assert q(inst, "SELECT active_cases FROM accounts WHERE handle = 'olga'") == [(1,)]
    # closing and rejecting are final: a coordinator's decision, not the Owl's (review)
    page = olga.get(f"/en/staff/requests/{rid}").text
    assert "Move on to:" not in page and "Reject this request" not in page and "a coordinator does it" in page
    r = move(olga, rid, 6, 7)
    assert r.status_code == 303 and "stage=coordinator" in r.headers["Location"]
    assert "Only a coordinator can close or reject" in olga.get(r.headers["Location"]).text
    assert "stage=coordinator" in move(olga, rid, 6, 8, reason="bored").headers["Location"]
    assert q(inst, "SELECT stage FROM cases") == [(6,)]
    assert "Move on to:" in anna.get(f"/en/staff/requests/{rid}").text
    assert "stage=moved" in move(anna, rid, 6, 7).headers["Location"]
    # closed: final, the Owl's count goes down, the requester sees "Closed" and cannot write
    assert q(inst, "SELECT stage FROM cases") == [(7,)]
    assert q(inst, "SELECT active_cases FROM accounts WHERE handle = 'olga'") == [(0,)]
    assert "stage=invalid" in move(olga, rid, 7, 6).headers["Location"]
    text = rq.mailbox().text
    assert "Closed" in text and "/mailbox/reply" not in text
    r = rq.reply("still there?")   # refused, the words given back to copy
    assert r.status_code == 409 and "does not take messages" in r.text and "still there?" in r.text
    assert "still there?" not in olga.get(f"/en/staff/requests/{rid}").text
    page = olga.get(f"/en/staff/requests/{rid}").text
    history = page.split("History")[1]
    assert history.count("→") == 7 and "olga" in history and "anna" in history
    assert "stage changed" in anna.get("/en/staff/audit").text


def test_rejection_needs_a_reason_that_only_staff_read(instances):
    inst = instances()
    anna = coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(marker("FAKE"))
    rid = anna.request_ids()[0]
    assert "stage=reason" in move(anna, rid, 0, 8, reason="  ").headers["Location"]
    reason = marker("PROVOCATION")
    assert "stage=moved" in move(anna, rid, 0, 8, reason=reason).headers["Location"]
    assert q(inst, "SELECT stage FROM cases") == [(8,)]
    assert reason in anna.get(f"/en/staff/requests/{rid}").text
    text = rq.open_ok(receipt).text
    assert "Closed" in text and reason not in text


def test_the_organization_sets_the_checklists(instances, tmp_path):
    from conftest import SAVA_BIN, run_cli
    import subprocess
    inst = instances()
    anna = coordinator(inst)
    Requester(inst).submit_ok(marker("X"))
    assert inst.stop() == 0
    (inst.dir / "stages.conf").write_text("[new]\nlabel = Fresh\nitem = Call back within a day\n")
    again = instances(root=inst.root, init=False)
    anna.inst = again
    anna.login()
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert "Stage: Fresh" in page and "Call back within a day" in page and "Look for signs" not in page
    assert again.stop() == 0
    (inst.dir / "stages.conf").write_text("[finished]\nitem = x\n")
    r = subprocess.run([str(SAVA_BIN), "serve", str(inst.dir), "--listen", "127.0.0.1:1"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 1 and "stages.conf: line 2: unknown stage [finished]" in r.stderr


def test_the_owl_keeps_her_case_through_logins_and_a_key_rotation(instances):
    """Regression: the rekey after a rotation took assigned cases away from their Owl (it
    counted her copy as one left behind), and ran at every coordinator login."""
    from conftest import run_cli
    inst = instances()
    anna = coordinator(inst)
    bea = Staff(inst, "bea", "coordinator").login()
    page = anna.get("/en/staff/groups")
    bea_id = re.search(r'name="account" value="([0-9a-f]{32})"', page.text).group(1)
    assert anna.post("/en/staff/groups", data={"csrf": find_csrf(page.text), "account": bea_id}).status_code == 303
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["en"], 3)
    ask = marker("KEEP")
    Requester(inst).submit_ok(ask)
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert anna.post(f"/en/staff/requests/{rid}/assign",
                     data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")}).status_code == 303
    anna.login()                                   # another login: nothing moves
    assert q(inst, "SELECT epoch FROM cases") == [(0,)]
    assert ask in olga.get(f"/en/staff/requests/{rid}").text
    assert run_cli("revoke", str(inst.dir), "bea").returncode == 0
    import time
    while int(time.time()) // 30 + 1 <= anna.last_step:   # a TOTP step not used yet (bounded: 30 s)
        time.sleep(0.5)
    anna.login()                                   # rotates the key: a new epoch, still hers
    assert q(inst, "SELECT epoch FROM cases") == [(1,)]
    assert q(inst, "SELECT holder_kind FROM case_copies ORDER BY holder_kind") == [(0,), (1,), (2,)]
    assert ask in olga.get(f"/en/staff/requests/{rid}").text
    assert ask in anna.get(f"/en/staff/requests/{rid}").text


def test_revoking_the_owl_who_holds_a_request_starts_a_new_epoch_without_her(instances):
    """CRYPTO.md: a new epoch starts when any holder is removed. At the next login of a
    triage member, a request whose Owl was revoked moves to an epoch sealed to the triage
    key and the requester only, and waits for a new Owl."""
    from conftest import run_cli
    import time
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["en"], 3)
    ask = marker("HOLD")
    Requester(inst).submit_ok(ask)
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert anna.post(f"/en/staff/requests/{rid}/assign",
                     data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")}).status_code == 303
    assert run_cli("revoke", str(inst.dir), "olga").returncode == 0
    assert q(inst, "SELECT epoch, assignee IS NOT NULL FROM cases") == [(0, 1)]
    while int(time.time()) // 30 + 1 <= anna.last_step:   # a TOTP step not used yet (bounded: 30 s)
        time.sleep(0.5)
    anna.login()
    assert q(inst, "SELECT epoch, assignee IS NULL FROM cases") == [(1, 1)]
    assert q(inst, "SELECT holder_kind FROM case_copies ORDER BY holder_kind") == [(0,), (1,)]
    assert ask in anna.get(f"/en/staff/requests/{rid}").text
    assert "nobody yet" in anna.get(f"/en/staff/requests/{rid}").text


def test_a_stage_move_writes_its_own_audit_entry_only(instances):
    inst = instances()
    anna = coordinator(inst)
    Requester(inst).submit_ok(marker("A"))
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text

    def actions():
        return [int.from_bytes(e[24:26], "little") for (e,) in q(inst, "SELECT entry FROM audit ORDER BY idx")]
    before = actions()
    r = anna.post(f"/en/staff/requests/{rid}/stage", data={"csrf": find_csrf(page), "from": "0", "to": "1"})
    assert r.status_code == 303 and "stage=moved" in r.headers["Location"]
    assert actions()[len(before):] == [21]   # "stage changed", and no "request read"


def test_a_stage_move_checks_access_before_the_move(instances):
    """Issue 9: an impossible move (or a rejection without a reason) was answered with
    ?stage=invalid (or ?stage=reason) before anyone asked whether the case was hers: an Owl
    could tell a real request of someone else from an id that names nothing. Now every
    stage form of a case she cannot open gets the same 404 as one that does not exist."""
    inst = instances()
    anna = coordinator(inst)
    vera = Staff(inst, "vera", "owl").login()
    Requester(inst).submit_ok(marker("NOT-HERS"))
    rid = anna.request_ids()[0]
    missing = "0123456789abcdef0123456789abcdef"
    for frm, to, reason in ((0, 2, None), (0, 5, None), (7, 6, None), (0, 8, "  "), (0, 8, None), (0, 1, None)):
        mine, none = move(vera, rid, frm, to, reason), move(vera, missing, frm, to, reason)
        assert mine.status_code == 404 and none.status_code == 404, (frm, to, reason, mine.status_code,
                                                                     mine.headers.get("Location"))
        assert mine.content == none.content and "Location" not in mine.headers
    assert q(inst, "SELECT stage FROM cases") == [(0,)]
    # the one who may move it still hears what was wrong with the move
    assert "stage=invalid" in move(anna, rid, 0, 2).headers["Location"]
    assert "stage=reason" in move(anna, rid, 0, 8, reason="  ").headers["Location"]
