"""Staff notes (DESIGN.md section 4): sealed under the notes key n_e, which is never
sealed to the requester, with the author inside. Triage reads and writes them; the
requester never sees them; nobody outside triage can add one; nothing of one is readable
at rest."""

import sqlite3

from intake_util import Requester, Staff, coordinator, find_csrf, marker, scan_tree
from test_intake import instances  # noqa: F401  (the fixture)


def test_notes_are_for_triage_only(instances):
    inst = instances()
    coord = coordinator(inst)
    rq = Requester(inst)
    rq.open_ok(rq.submit_ok(marker("ASK")))
    rid = coord.request_ids()[0]
    note = marker("NOTE")
    page = coord.get(f"/en/staff/requests/{rid}")
    r = coord.post(f"/en/staff/requests/{rid}/note", data={"csrf": find_csrf(page.text), "note": note + "\nsecond"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/en/staff/requests/{rid}?done=note#notes")
    page = coord.get(f"/en/staff/requests/{rid}").text
    assert note in page and "Notes for staff" in page and "anna" in page.split("Notes for staff")[1]
    # the requester never sees it
    assert note not in rq.mailbox().text
    # an empty note, and one too long, are refused with the page and nothing stored
    r = coord.post(f"/en/staff/requests/{rid}/note", data={"csrf": find_csrf(page), "note": "  "})
    assert r.status_code == 400 and "Write the note first." in r.text
    long = "x" * 5001
    r = coord.post(f"/en/staff/requests/{rid}/note", data={"csrf": find_csrf(page), "note": long})
    assert r.status_code == 400 and long in r.text   # kept in the form
    # no csrf, another account outside triage: refused, nothing stored
    assert coord.post(f"/en/staff/requests/{rid}/note", data={"note": "x"}).status_code == 403
    owl = Staff(inst, "olga", "owl").login()
    r = owl.post(f"/en/staff/requests/{rid}/note", data={"csrf": owl.token(), "note": marker("OWL")})
    assert r.status_code == 404
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        notes = db.execute("SELECT kind, role, field FROM items WHERE field = 5").fetchall()
    finally:
        db.close()
    assert notes == [(1, 2, 5)]   # one note, sealed under the notes key
    found = []
    scan_tree(inst.dir, [note], found)
    assert not found, found
    assert "note added" in coord.get("/en/staff/audit").text
