"""Invitations an operator can see and take back (issue 9): `sava invite DIR --list` shows
the open ones without their token, `sava invite DIR --withdraw ID` withdraws one (its link
then answers exactly like a link never issued, an enrollment begun with it cannot finish,
and the audit log says "invitation withdrawn"), and an expired invitation is deleted by
`sava purge` and by the daemon's purge at start, not kept for ever."""

import re
import secrets
import sqlite3
import time

import requests

from conftest import HTTP_TIMEOUT, START_TIMEOUT, run_cli, sava_init, start_instance
from intake_util import coordinator, find_csrf
from test_staff import PASSPHRASE, csrf, invite

LIST_ROW = re.compile(r"^([0-9a-f]{8})  (\d{4}-\d\d-\d\d)  (\d{4}-\d\d-\d\d)  (.+)$", re.M)


def invites(dir_path):
    """(token_hash hex, expires_hour) of every invitation row, expired or not."""
    db = sqlite3.connect(f"file:{dir_path / 'sava.db'}?mode=ro", uri=True, timeout=10)
    try:
        return sorted((h.hex(), e) for h, e in db.execute("SELECT token_hash, expires_hour FROM invites"))
    finally:
        db.close()


def expire(dir_path, hex_prefix, hours):
    """Moves an invitation's expiry back by hours (there is no clock seam)."""
    db = sqlite3.connect(dir_path / "sava.db", timeout=10)
    try:
        n = db.execute("UPDATE invites SET expires_hour = expires_hour - ? WHERE hex(token_hash) LIKE ?",
                       (hours, hex_prefix.upper() + "%")).rowcount
        db.commit()
    finally:
        db.close()
    assert n == 1


def listed(dir_path):
    r = run_cli("invite", dir_path, "--list")
    assert r.returncode == 0, r.stderr
    return r.stdout, LIST_ROW.findall(r.stdout)


def test_a_withdrawn_invitation_answers_like_an_unknown_one_and_is_audited(tmp_path):
    inst = start_instance(tmp_path)
    try:
        anna = coordinator(inst)
        path = invite(inst, "owl", "verifier")
        token = path.rsplit("/", 1)[1]
        unknown = "/en/staff/enroll/" + secrets.token_urlsafe(32)[:43]

        out, rows = listed(inst.dir)
        assert len(rows) == 1, out
        iid, made, expires, roles = rows[0]
        assert roles == "owl, verifier"
        assert made == time.strftime("%Y-%m-%d", time.gmtime()) and expires > made
        assert token not in out
        assert [h for h, _ in invites(inst.dir)][0].startswith(iid)

        # Someone begins the enrollment; then the operator withdraws the invitation.
        s = requests.Session()
        page = s.get(inst.url("/en" + path), timeout=HTTP_TIMEOUT)
        assert page.status_code == 200 and "Choose a name" in page.text
        r = s.post(inst.url("/en" + path), timeout=HTTP_TIMEOUT * 3,
                   data={"csrf": csrf(page.text), "step": "create", "handle": "mole", "passphrase": PASSPHRASE})
        assert r.status_code == 200 and "receipt-digits" in r.text, r.text[:2000]

        bad = run_cli("invite", inst.dir, "--withdraw", "zz")
        assert bad.returncode == 2 and bad.stderr.startswith("sava invite: ")
        none = run_cli("invite", inst.dir, "--withdraw", "0" * 8 if not iid.startswith("0" * 8) else "f" * 8)
        assert none.returncode == 1 and "no open invitation" in none.stderr
        w = run_cli("invite", inst.dir, "--withdraw", iid.upper())
        assert w.returncode == 0, w.stderr
        assert iid in w.stdout
        assert invites(inst.dir) == []
        out, rows = listed(inst.dir)
        assert rows == [] and "No open invitations." in out
        again = run_cli("invite", inst.dir, "--withdraw", iid)
        assert again.returncode == 1

        # The link now answers exactly as one never issued, in every step.
        never = requests.get(inst.url(unknown), timeout=HTTP_TIMEOUT)
        for sess in (requests, s):
            r = sess.get(inst.url("/en" + path), timeout=HTTP_TIMEOUT)
            assert (r.status_code, r.text) == (never.status_code, never.text) and r.status_code == 404
        r = s.post(inst.url("/en" + path), timeout=HTTP_TIMEOUT,
                   data={"csrf": find_csrf(page.text), "step": "finish", "totp": "123456"})
        assert r.status_code == 404
        assert "mole" not in anna.get("/en/staff/accounts").text

        # The audit log names the withdrawal, by the id the list showed.
        audit = anna.get("/en/staff/audit").text
        row = re.search(r"<tr><td>\d+</td><td>[^<]*</td><td>([^<]*)</td><td>invitation withdrawn</td>"
                        r"<td>([0-9a-f]*)</td></tr>", audit)
        assert row, audit
        assert row.group(1) == "sava" and row.group(2) == iid
        assert re.search(r"<td>invitation made</td><td>%s</td>" % iid, audit)
    finally:
        assert inst.stop() == 0
    r = run_cli("audit", "verify", inst.dir)
    assert r.returncode == 0, r.stdout + r.stderr


def test_expired_invitations_are_deleted_by_the_purge_and_at_start(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    for _ in range(3):
        r = run_cli("invite", d, "--role", "owl")
        assert r.returncode == 0, r.stderr
    (a, _), (b, _), (c, _) = invites(d)
    expire(d, a[:16], 73)          # made 73 hours ago: expired an hour ago
    expire(d, b[:16], 24 * 30)     # long gone

    # An expired invitation is not open: not listed, not withdrawable, its link dead.
    out, rows = listed(d)
    assert [r[0] for r in rows] == [c[:8]], out
    assert run_cli("invite", d, "--withdraw", a[:8]).returncode == 1

    r = run_cli("purge", d)
    assert r.returncode == 0, r.stderr
    assert "Shredded 0 expired request(s)." in r.stdout
    assert "deleted 2 expired invitation(s)" in r.stderr
    assert [h for h, _ in invites(d)] == [c]

    # The daemon deletes them as it starts (its purge runs at start, then hourly).
    expire(d, c[:16], 100)
    inst = start_instance(tmp_path, init=False)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while invites(d) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert invites(d) == []
        assert "deleted 1 expired invitation(s)" in inst.log()
    finally:
        assert inst.stop() == 0
