"""Volunteers' applications (issue 5): a public form, encrypted to triage like a help
request; coordinators read it, record vouches from existing members, and accept (a
one-time enrollment link) or reject it; either way the application is shredded. Nobody
else can see one, and nothing of it is readable at rest."""

import re
import sqlite3

from intake_util import Requester, Staff, coordinator, find_csrf, marker, scan_tree
from test_intake import instances  # noqa: F401  (the fixture)


def apply(inst, lang="en", **fields):
    rq = Requester(inst, lang)
    page = rq.get(f"/{lang}/volunteer")
    assert page.status_code == 200
    data = {"csrf": find_csrf(page.text) or rq.token, "about": "", "languages": "", "contact": "", "vouchers": ""}
    data.update(fields)
    return rq.post(f"/{lang}/volunteer", data=data)


def test_application_round_trip(instances):
    inst = instances()
    # no triage key yet: nothing is taken
    r = apply(inst, about="x", contact="y")
    assert r.status_code == 503 and "not accepted here yet" in r.text
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    about, contact = marker("ABOUT"), marker("CONTACT")
    r = apply(inst, about="", contact="")
    assert r.status_code == 400 and "Tell us a little about yourself." in r.text
    assert anna.get("/en/staff/applications").text.count("/staff/applications/") == 0
    for lang in ("be", "ru", "en"):
        r = apply(inst, lang, about=about + " " + lang, languages="ru, en", contact=contact, vouchers="olga")
        assert r.status_code == 200 and 'class="notice"' in r.text
    r = apply(inst, about=about + " second", contact=contact)
    assert r.status_code == 200 and "Thank you" in r.text
    # applications are not requests
    assert about not in anna.get("/en/staff/requests").text
    listing = anna.get("/en/staff/applications").text
    ids = re.findall(r"/staff/applications/([0-9a-f]{32})", listing)
    assert len(set(ids)) == 4 and about in listing
    aid = next(i for i in ids if about + " en" in anna.get(f"/en/staff/applications/{i}").text)
    page = anna.get(f"/en/staff/applications/{aid}").text
    assert about in page and contact in page and "ru, en" in page and "olga" in page
    # an Owl sees nothing of it; a request page does not open it
    assert olga.get("/en/staff/applications").status_code == 404
    assert olga.get(f"/en/staff/applications/{aid}").status_code == 404
    assert anna.get(f"/en/staff/requests/{aid}").status_code == 404
    # no request action reaches an application
    tok = find_csrf(page)
    for action, data in (("note", {"note": "x"}), ("verify", {}), ("checklist", {"stage": "0"}),
                         ("shred", {"confirm": "yes"}), ("assign", {"handle": "olga"}),
                         ("stage", {"from": "0", "to": "1"})):
        data["csrf"] = tok
        assert anna.post(f"/en/staff/requests/{aid}/{action}", data=data).status_code in (303, 404), action
    assert about in anna.get(f"/en/staff/applications/{aid}").text
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT count(*) FROM items WHERE case_id = ? AND kind = 1", (bytes.fromhex(aid),)).fetchall() \
            == [(0,)]
    finally:
        db.close()
    # vouches: an unknown member is refused, a real one recorded
    r = anna.post(f"/en/staff/applications/{aid}/vouch", data={"csrf": find_csrf(page), "member": "nobody"})
    assert r.status_code == 400 and "no active member" in r.text
    vouch = marker("VOUCH")
    r = anna.post(f"/en/staff/applications/{aid}/vouch", data={"csrf": find_csrf(page), "member": "olga", "note": vouch})
    assert r.status_code == 303
    page = anna.get(f"/en/staff/applications/{aid}").text
    assert vouch in page and "recorded by" in page
    found = []
    scan_tree(inst.dir, [about, contact, vouch], found)
    assert not found, found
    # accept: a one-time link, and the application is gone
    r = anna.post(f"/en/staff/applications/{aid}/accept", data=[("csrf", find_csrf(page)), ("role", "verifier")])
    assert r.status_code == 200
    link = re.search(r"/staff/enroll/[A-Za-z0-9_-]{43}", r.text).group(0)
    assert anna.get(f"/en/staff/applications/{aid}").status_code == 404
    assert anna.get(link).status_code == 200          # the enrollment page opens
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT roles FROM invites ORDER BY rowid DESC LIMIT 1").fetchall() == [(4 | 8,)]
        assert db.execute("SELECT count(*) FROM cases WHERE stage = 100").fetchall() == [(3,)]
    finally:
        db.close()
    # reject: a confirmation page first, then shredded
    other = ids[0] if ids[0] != aid else ids[1]
    page = anna.get(f"/en/staff/applications/{other}/reject")
    assert page.status_code == 200 and "shredded at once" in page.text
    assert anna.get(f"/en/staff/applications/{other}").status_code == 200
    r = anna.post(f"/en/staff/applications/{other}/reject", data={"csrf": find_csrf(page.text), "confirm": "yes"})
    assert r.status_code == 303 and "done=1" in r.headers["Location"]
    assert anna.get(f"/en/staff/applications/{other}").status_code == 404
    audit = anna.get("/en/staff/audit").text
    assert "application accepted" in audit and "application rejected" in audit and "vouch recorded" in audit
