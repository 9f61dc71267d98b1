"""Staff accounts against the real daemon: invitation, enrollment with a TOTP code the
test computes, login, the triage key, passphrase change, recovery, revocation while
logged in, and no secret or note on disk in the clear."""
import base64
import hashlib
import hmac
import re
import time

import requests

from conftest import run_cli, start_instance

PASSPHRASE = "MARKERPASS correct horse battery"
NEW_PASSPHRASE = "MARKERNEWPASS another long phrase"
NOTE = "MARKERNOTE met at the March training"


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    h = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((int.from_bytes(h[o:o + 4], "big") & 0x7FFFFFFF) % 1000000)


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def invite(inst, *roles, note=None):
    args = ["invite", str(inst.dir)]
    for r in roles:
        args += ["--role", r]
    if note:
        args += ["--note", note]
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    path = r.stdout.strip()
    assert re.fullmatch(r"/staff/enroll/[A-Za-z0-9_-]{43}", path), path
    return path


def enroll(inst, path, handle, passphrase=PASSPHRASE):
    """Walks the three enrollment steps; returns (session, totp secret, recovery key)."""
    s = requests.Session()
    url = inst.url("/en" + path)
    r = s.get(url, timeout=10)
    assert r.status_code == 200 and "Choose a name" in r.text
    r = s.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": handle, "passphrase": passphrase},
               timeout=30)
    assert r.status_code == 200, r.text
    recovery = re.search(r'class="receipt-digits">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")
    assert len(recovery) == 26
    r = s.post(url, data={"csrf": csrf(r.text), "step": "confirm", "recovery_part": "WRONG1"}, timeout=10)
    assert r.status_code == 400 and "last six characters" in r.text
    r = s.post(url, data={"csrf": csrf(r.text), "step": "confirm", "recovery_part": recovery[-6:].lower()}, timeout=10)
    assert r.status_code == 200 and "<svg" in r.text and "otpauth" not in r.text
    secret = re.search(r'class="secret">([A-Z2-7]+)<', r.text).group(1)
    step = int(time.time()) // 30
    r = s.post(url, data={"csrf": csrf(r.text), "step": "finish", "totp": "000000" if totp(secret, step - 1) != "000000" else "111111"}, timeout=10)
    assert r.status_code == 400   # a wrong code creates nothing
    r = s.post(url, data={"csrf": csrf(r.text), "step": "finish", "totp": totp(secret, step - 1)}, timeout=10)
    assert r.status_code == 200 and "Your account is ready" in r.text
    return secret, recovery


def login(inst, handle, passphrase, code):
    s = requests.Session()
    r = s.get(inst.url("/en/staff/login"), timeout=10)
    r = s.post(inst.url("/en/staff/login"), allow_redirects=False, timeout=30,
               data={"csrf": csrf(r.text), "handle": handle, "passphrase": passphrase, "totp": code})
    return s, r


def test_staff_lifecycle(tmp_path):
    inst = start_instance(tmp_path)
    try:
        path = invite(inst, "coordinator", note=NOTE)
        secret, recovery = enroll(inst, path, "anna")
        # The invitation is used up.
        assert inst.get("/en" + path).status_code == 404

        step = int(time.time()) // 30
        # Unknown handle, wrong passphrase and wrong code: the same answer.
        answers = set()
        for h, p, c in (("nobody", PASSPHRASE, totp(secret, step)), ("anna", "wrong passphrase here!", totp(secret, step)),
                        ("anna", PASSPHRASE, "123456" if totp(secret, step) != "123456" else "654321")):
            _, r = login(inst, h, p, c)
            assert r.status_code == 200
            answers.add(re.sub(r'value="[^"]*"', "", r.text))
        assert len(answers) == 1

        s, r = login(inst, "anna", PASSPHRASE, totp(secret, step))
        assert r.status_code == 303, r.text
        cookie = r.headers["Set-Cookie"]
        assert cookie.startswith("sava_s=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        home = s.get(inst.url("/en/staff/"), timeout=10)
        assert home.status_code == 200 and "anna" in home.text
        # A code works once.
        _, again = login(inst, "anna", PASSPHRASE, totp(secret, step))
        assert again.status_code == 200 and "do not match" in again.text
        # The first coordinator's login created the triage key, held by her.
        groups = s.get(inst.url("/en/staff/groups"), timeout=10)
        assert groups.status_code == 200 and "Holders" in groups.text and "anna" in groups.text

        # Passphrase change.
        page = s.get(inst.url("/en/staff/passphrase"), timeout=10)
        r = s.post(inst.url("/en/staff/passphrase"), timeout=30,
                   data={"csrf": csrf(page.text), "current": PASSPHRASE, "new": NEW_PASSPHRASE, "again": NEW_PASSPHRASE})
        assert r.status_code == 200 and "is changed" in r.text
        # Logout clears the site.
        r = s.post(inst.url("/en/staff/logout"), data={"csrf": csrf(r.text)}, allow_redirects=False, timeout=10)
        assert r.status_code == 303 and "cookies" in r.headers.get("Clear-Site-Data", "")
        assert s.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 303

        s, r = login(inst, "anna", NEW_PASSPHRASE, totp(secret, step + 1))
        assert r.status_code == 303

        # Recovery sets a new passphrase and ends every session.
        rs = requests.Session()
        page = rs.get(inst.url("/en/staff/recover"), timeout=10)
        r = rs.post(inst.url("/en/staff/recover"), timeout=30,
                    data={"csrf": csrf(page.text), "handle": "anna", "recovery": recovery.lower(),
                          "new": PASSPHRASE, "again": PASSPHRASE})
        assert r.status_code == 200 and "every session" in r.text
        assert s.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 303

        # A second member, revoked by the CLI while logged in.
        path = invite(inst, "owl")
        owl_secret, _ = enroll(inst, path, "olga")
        os_, r = login(inst, "olga", PASSPHRASE, totp(owl_secret, int(time.time()) // 30))
        assert r.status_code == 303
        assert os_.get(inst.url("/en/staff/"), timeout=10).status_code == 200
        r = run_cli("revoke", str(inst.dir), "olga")
        assert r.returncode == 0, r.stderr
        assert os_.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 303
        _, r = login(inst, "olga", PASSPHRASE, totp(owl_secret, int(time.time()) // 30 + 1))
        assert r.status_code == 200 and "do not match" in r.text

        # An owl may not see the roster; nobody without a session may.
        assert requests.get(inst.url("/en/staff/accounts"), allow_redirects=False, timeout=10).status_code == 303
    finally:
        assert inst.stop() == 0

    # Nothing secret in the clear: database, WAL, logs.
    blobs = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for marker in (b"MARKERPASS", b"MARKERNEWPASS", b"MARKERNOTE", recovery.encode(), secret.encode()):
        assert marker not in blobs, marker
    r = run_cli("audit", "verify", str(tmp_path / "inst"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_invites_from_the_command_line_while_serving_keep_the_audit_chain(tmp_path):
    """sava invite appends to the audit log and ratchets the key while the daemon runs;
    the daemon's own next entries must continue the same chain."""
    inst = start_instance(tmp_path)
    try:
        path = invite(inst, "coordinator")
        secret, _ = enroll(inst, path, "vera")        # the daemon appends (enrolled)
        invite(inst, "owl")                            # the command line appends again
        _, r = login(inst, "vera", PASSPHRASE, totp(secret, int(time.time()) // 30))
        assert r.status_code == 303                    # the daemon appends (logged in, key created)
        assert "not advanced" not in inst.log() and "changed while sava" not in inst.log()
    finally:
        assert inst.stop() == 0
    r = run_cli("audit", "verify", str(tmp_path / "inst"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"\b[6-9] entries|\b1[0-9] entries", r.stdout), r.stdout


def test_coordinators_approve_and_revoke_in_the_web_ui(tmp_path):
    """A holder of the triage key approves a second coordinator explicitly; revoking her
    in the web UI (after a confirmation page) replaces the key at once and leaves it
    with the remaining holder only."""
    inst = start_instance(tmp_path)
    try:
        anna_secret, _ = enroll(inst, invite(inst, "coordinator"), "anna")
        bea_secret, _ = enroll(inst, invite(inst, "coordinator"), "bea")
        step = int(time.time()) // 30
        anna, r = login(inst, "anna", PASSPHRASE, totp(anna_secret, step))
        assert r.status_code == 303
        bea, r = login(inst, "bea", PASSPHRASE, totp(bea_secret, step))
        assert r.status_code == 303
        # Bea does not hold the key until a holder approves her.
        assert "You do not hold the triage key yet" in bea.get(inst.url("/en/staff/"), timeout=10).text
        page = anna.get(inst.url("/en/staff/groups"), timeout=10)
        assert "Waiting for approval" in page.text and "bea" in page.text and "Key version: 0" in page.text
        bea_id = re.search(r'name="account" value="([0-9a-f]{32})"', page.text).group(1)
        r = anna.post(inst.url("/en/staff/groups"), data={"csrf": csrf(page.text), "account": bea_id},
                      allow_redirects=False, timeout=10)
        assert r.status_code == 303
        assert "You do not hold the triage key yet" not in bea.get(inst.url("/en/staff/"), timeout=10).text

        # Revocation: a confirmation page first, which changes nothing.
        roster = anna.get(inst.url("/en/staff/accounts"), timeout=10)
        assert roster.status_code == 200 and "bea" in roster.text
        r = anna.post(inst.url("/en/staff/accounts"), data={"csrf": csrf(roster.text), "account": bea_id}, timeout=10)
        assert r.status_code == 200 and "You are about to revoke" in r.text
        assert bea.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 200
        r = anna.post(inst.url("/en/staff/accounts"),
                      data={"csrf": csrf(r.text), "account": bea_id, "confirm": "yes"}, timeout=30)
        assert r.status_code == 200 and "Revoked:" in r.text
        assert bea.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 303
        page = anna.get(inst.url("/en/staff/groups"), timeout=10)
        assert "Key version: 1" in page.text and "to be replaced" not in page.text
        holders = page.text.split("Holders")[1].split("Waiting for approval")[0]
        assert "anna" in holders and "bea" not in holders
        # An owl sees neither the roster nor the group keys: the same 404 as nothing.
        owl_secret, _ = enroll(inst, invite(inst, "owl"), "olga")
        owl, r = login(inst, "olga", PASSPHRASE, totp(owl_secret, int(time.time()) // 30))
        assert owl.get(inst.url("/en/staff/accounts"), timeout=10).status_code == 404
        assert owl.get(inst.url("/en/staff/groups"), timeout=10).status_code == 404
        assert owl.get(inst.url("/en/staff/audit"), timeout=10).status_code == 404
        audit = anna.get(inst.url("/en/staff/audit"), timeout=10)
        assert audit.status_code == 200 and "account revoked" in audit.text and "group key rotated" in audit.text
    finally:
        assert inst.stop() == 0


def test_an_unapproved_coordinator_cannot_revoke_the_holders_and_take_over_intake(tmp_path):
    """Regression (review, high): a coordinator who does not hold the triage key could revoke
    its holders from the roster; at her next login the orphaned key was re-created with her
    as its only holder, and she read every new request. Now she cannot revoke anyone, and
    no login re-creates a key whose holders are gone."""
    inst = start_instance(tmp_path)
    try:
        anna_secret, _ = enroll(inst, invite(inst, "coordinator"), "anna")
        mole_secret, _ = enroll(inst, invite(inst, "coordinator"), "mole")
        step = int(time.time()) // 30
        anna, r = login(inst, "anna", PASSPHRASE, totp(anna_secret, step))
        assert r.status_code == 303                                        # creates the key
        mole, r = login(inst, "mole", PASSPHRASE, totp(mole_secret, step))
        assert r.status_code == 303
        anna_id = inst_account_id(inst, "anna")
        roster = mole.get(inst.url("/en/staff/accounts"), timeout=10)
        assert roster.status_code == 200 and "anna" in roster.text
        assert "Revoke" not in roster.text   # no button for her
        token = csrf(mole.get(inst.url("/en/staff/passphrase"), timeout=10).text)
        for confirm in ({}, {"confirm": "yes"}):
            r = mole.post(inst.url("/en/staff/accounts"), timeout=30,
                          data={"csrf": token, "account": anna_id, **confirm})
            assert r.status_code == 404
        assert anna.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 200

        # The operator revokes the only holder; nobody's login makes a new key by itself.
        assert run_cli("revoke", str(inst.dir), "anna").returncode == 0
        mole, r = login(inst, "mole", PASSPHRASE, totp(mole_secret, step + 1))
        assert r.status_code == 303
        assert mole.get(inst.url("/en/staff/requests"), timeout=10).status_code == 404
        page = mole.get(inst.url("/en/staff/groups"), timeout=10)
        assert "Key version: 0" in page.text
        holders = page.text.split("Holders")[1].split("Waiting for approval")[0]
        assert "mole" not in holders
        audit = run_cli("audit", "verify", str(inst.dir))
        assert audit.returncode == 0
    finally:
        assert inst.stop() == 0


def inst_account_id(inst, handle):
    import sqlite3
    db = sqlite3.connect(str(inst.dir / "sava.db"), timeout=10)
    try:
        return db.execute("SELECT hex(id) FROM accounts WHERE handle = ?", (handle,)).fetchone()[0].lower()
    finally:
        db.close()


def test_an_operator_reset_lets_one_named_coordinator_make_a_new_triage_key(tmp_path):
    """Re-creating a key whose holders are all gone is an explicit, audited act: `sava triage
    reset DIR --to HANDLE`, refused while anyone holds the key; then only HANDLE's login
    makes it, and every staff page says when and by whom."""
    inst = start_instance(tmp_path)
    try:
        anna_secret, _ = enroll(inst, invite(inst, "coordinator"), "anna")
        bea_secret, _ = enroll(inst, invite(inst, "coordinator"), "bea")
        cara_secret, _ = enroll(inst, invite(inst, "coordinator"), "cara")
        enroll(inst, invite(inst, "owl"), "olga")
        step = int(time.time()) // 30
        assert login(inst, "anna", PASSPHRASE, totp(anna_secret, step))[1].status_code == 303   # creates the key
        r = run_cli("triage", "reset", str(inst.dir), "--to", "bea")
        assert r.returncode == 1 and "still hold the triage key" in r.stderr
        assert run_cli("revoke", str(inst.dir), "anna").returncode == 0                          # its only holder
        r = run_cli("triage", "reset", str(inst.dir), "--to", "olga")
        assert r.returncode == 1 and "no active coordinator" in r.stderr
        r = run_cli("triage", "reset", str(inst.dir), "--to", "nobody")
        assert r.returncode == 1 and "no active coordinator" in r.stderr
        r = run_cli("triage", "reset", str(inst.dir))
        assert r.returncode == 2
        r = run_cli("triage", "reset", str(inst.dir), "--to", "bea")
        assert r.returncode == 0 and "next login" in r.stdout, r.stderr

        # Cara's login does nothing: the reset named Bea.
        cara, r = login(inst, "cara", PASSPHRASE, totp(cara_secret, step))
        assert r.status_code == 303
        assert cara.get(inst.url("/en/staff/requests"), timeout=10).status_code == 404
        bea, r = login(inst, "bea", PASSPHRASE, totp(bea_secret, step))
        assert r.status_code == 303
        page = bea.get(inst.url("/en/staff/groups"), timeout=10)
        assert "Key version: 1" in page.text
        holders = page.text.split("Holders")[1].split("Waiting for approval")[0]
        assert "bea" in holders and "anna" not in holders and "cara" not in holders
        assert bea.get(inst.url("/en/staff/requests"), timeout=10).status_code == 200
        # The banner, on every staff page of everyone, in their language.
        for who, path in ((bea, "/en/staff/"), (cara, "/en/staff/"), (cara, "/en/staff/profile")):
            text = who.get(inst.url(path), timeout=10).text
            assert "The triage key was re-created by an operator&#39;s reset." in text \
                or "The triage key was re-created by an operator's reset." in text
            assert "<bdi>bea</bdi>" in text and time.strftime("%Y-%m-%d", time.gmtime()) in text
        ru = cara.get(inst.url("/ru/staff/"), timeout=10).text
        assert "bea" in ru and "re-created" not in ru
        # Not on public pages, nor on the staff pages a visitor without a session sees (review).
        for path in ("/en/", "/en/staff/login", "/en/staff/recover", "/en/help"):
            text = requests.get(inst.url(path), timeout=10).text
            assert "re-created" not in text and "<bdi>bea</bdi>" not in text, path
        # A second reset is refused now that Bea holds the key.
        r = run_cli("triage", "reset", str(inst.dir), "--to", "cara")
        assert r.returncode == 1
        audit = bea.get(inst.url("/en/staff/audit"), timeout=10).text
        assert "group key reset allowed" in audit and "group key re-created" in audit
        assert run_cli("audit", "verify", str(inst.dir)).returncode == 0
    finally:
        assert inst.stop() == 0


def test_an_enrollment_belongs_to_the_browser_that_began_it(tmp_path):
    """Someone else holding the same link sees neither the recovery key nor the TOTP
    secret, and cannot restart the enrollment (regression: link holder takeover)."""
    inst = start_instance(tmp_path)
    try:
        path = invite(inst, "coordinator")
        url = inst.url("/en" + path)
        a = requests.Session()
        r = a.get(url, timeout=10)
        r = a.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": "alice", "passphrase": PASSPHRASE},
                   timeout=30)
        assert r.status_code == 200 and "receipt-digits" in r.text
        recovery = re.search(r'class="receipt-digits">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")
        b = requests.Session()
        seen = b.get(url, timeout=10)
        assert seen.status_code == 404 and recovery not in seen.text.replace(" ", "")
        form = b.get(inst.url("/en/staff/login"), timeout=10)   # B's own CSRF cookie and token
        r = b.post(url, data={"csrf": csrf(form.text), "step": "create", "handle": "mallory",
                              "passphrase": PASSPHRASE}, timeout=30)
        assert r.status_code == 404
        r = b.post(url, data={"csrf": csrf(form.text), "step": "confirm", "recovery_part": recovery[-6:]}, timeout=10)
        assert r.status_code == 404 and 'class="secret"' not in r.text
        # The browser that began it goes on undisturbed.
        page = a.get(url, timeout=10)
        r = a.post(url, data={"csrf": csrf(page.text), "step": "confirm", "recovery_part": recovery[-6:]}, timeout=10)
        assert r.status_code == 200 and 'class="secret"' in r.text
    finally:
        assert inst.stop() == 0


def test_one_code_cannot_open_two_sessions_at_once(tmp_path):
    """Logins racing with the same code: exactly one succeeds (regression: the step was
    recorded after the slow derivation, so concurrent logins could all pass)."""
    import threading
    inst = start_instance(tmp_path)
    try:
        secret, _ = enroll(inst, invite(inst, "owl"), "zoe")
        code = totp(secret, int(time.time()) // 30 + 1)
        results = []

        def attempt():
            results.append(login(inst, "zoe", PASSPHRASE, code)[1].status_code)

        threads = [threading.Thread(target=attempt) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == [200] * 5 + [303], results
    finally:
        assert inst.stop() == 0


def test_changing_the_passphrase_ends_the_other_sessions(tmp_path):
    inst = start_instance(tmp_path)
    try:
        secret, _ = enroll(inst, invite(inst, "owl"), "ira")
        step = int(time.time()) // 30
        one, r = login(inst, "ira", PASSPHRASE, totp(secret, step))
        assert r.status_code == 303
        two, r = login(inst, "ira", PASSPHRASE, totp(secret, step + 1))
        assert r.status_code == 303
        page = one.get(inst.url("/en/staff/passphrase"), timeout=10)
        r = one.post(inst.url("/en/staff/passphrase"), timeout=30,
                     data={"csrf": csrf(page.text), "current": PASSPHRASE, "new": NEW_PASSPHRASE, "again": NEW_PASSPHRASE})
        assert r.status_code == 200 and "is changed" in r.text
        assert one.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 200
        assert two.get(inst.url("/en/staff/"), allow_redirects=False, timeout=10).status_code == 303
    finally:
        assert inst.stop() == 0


def test_a_strangers_failures_do_not_lock_the_owner_out(tmp_path):
    """Issue 9: anyone who knew a handle could keep its login throttled (up to 5 minutes
    at a time). A failure without her passphrase costs the stranger a full Argon2id in
    the staff budget and leaves her account alone: right after a burst of them, she
    logs in at once."""
    inst = start_instance(tmp_path)
    try:
        secret, _ = enroll(inst, invite(inst, "owl"), "nina")
        for i in range(12):
            _, r = login(inst, "nina", f"a wrong passphrase, long enough {i}", "%06d" % (i * 83_333))
            assert r.status_code == 200 and "do not match" in r.text
        _, r = login(inst, "nina", PASSPHRASE, totp(secret, int(time.time()) // 30))
        assert r.status_code == 303, r.text
    finally:
        assert inst.stop() == 0


def test_wrong_codes_after_the_right_passphrase_pause_that_account(tmp_path):
    """Whoever has a member's passphrase gets ten wrong codes, then one more every six
    minutes, so codes (3 in a million each) cannot be guessed quickly. The pause is
    silent: even the right code gets the answer a wrong one gets, so the pause tells
    nobody that the passphrase was right. A recovery ends it; other accounts are not
    touched."""
    inst = start_instance(tmp_path)
    try:
        secret, recovery = enroll(inst, invite(inst, "owl"), "nina")
        step = int(time.time()) // 30
        valid = {totp(secret, s) for s in range(step - 1, step + 4)}
        wrong = next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in valid)
        answers = set()
        for _ in range(10):
            _, r = login(inst, "nina", PASSPHRASE, wrong)
            assert r.status_code == 200 and "do not match" in r.text
            answers.add(re.sub(r'value="[^"]*"', "", r.text))
        _, r = login(inst, "nina", PASSPHRASE, totp(secret, int(time.time()) // 30))
        assert r.status_code == 200 and "do not match" in r.text
        answers.add(re.sub(r'value="[^"]*"', "", r.text))
        _, r = login(inst, "nobody", PASSPHRASE, wrong)
        answers.add(re.sub(r'value="[^"]*"', "", r.text))
        assert len(answers) == 1
        # A recovery (a new passphrase) ends the pause: whoever typed those codes no
        # longer has her passphrase.
        rs = requests.Session()
        page = rs.get(inst.url("/en/staff/recover"), timeout=10)
        r = rs.post(inst.url("/en/staff/recover"), timeout=30,
                    data={"csrf": csrf(page.text), "handle": "nina", "recovery": recovery,
                          "new": NEW_PASSPHRASE, "again": NEW_PASSPHRASE})
        assert r.status_code == 200 and "every session" in r.text
        _, r = login(inst, "nina", NEW_PASSPHRASE, totp(secret, int(time.time()) // 30))
        assert r.status_code == 303, r.text
        # Another account is not paused by nina's wrong codes.
        other, _ = enroll(inst, invite(inst, "owl"), "oksana")
        _, r = login(inst, "oksana", PASSPHRASE, totp(other, int(time.time()) // 30))
        assert r.status_code == 303
    finally:
        assert inst.stop() == 0
