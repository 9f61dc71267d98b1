"""Nothing typed is lost when a staff session has ended (issue 15): a note or a reply
posted without a live session gets the login form, saying why, with the words carried in
it (never stored by the server); after logging in, the words come back in their form and
are saved with one press. Files cannot be carried, and the page says so."""

import re
import time

from intake_util import Requester, coordinator, find_csrf, marker, multipart
from test_intake import instances  # noqa: F401 (the fixture)
from test_staff import PASSPHRASE, totp


def _session_ends(instances, staff):
    """sava restarts: every session ends (as after 30 idle minutes), while her browser
    still holds the cookie, and the page she typed in."""
    root = staff.inst.root
    staff.inst.stop()
    staff.inst = instances(root, init=False)


def _fields(text):
    """The hidden and textarea fields of the page's login form, as a dict."""
    form = text[text.index('<form method="post" action="/en/staff/login"'):]
    form = form[:form.index("</form>")]
    out = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        out[name] = value
    return out


def _wrong_code(staff):
    now = totp(staff.secret, int(time.time()) // 30)
    return "000000" if now != "000000" else "111111"


def _login_again(staff, fields, code=None):
    step = max(int(time.time()) // 30, staff.last_step + 1)
    data = dict(fields, handle=staff.handle, passphrase=PASSPHRASE, totp=code or totp(staff.secret, step))
    r = staff.post("/en/staff/login", data=data)
    if code is None:
        staff.last_step = step
    return r


def test_a_note_after_the_session_ended_comes_back_and_is_saved(instances):
    inst = instances()
    anna = coordinator(inst)
    Requester(inst).submit_ok(f"Help {marker()}")
    rid = anna.request_ids()[0]
    tok = find_csrf(anna.request_page(rid).text)
    note = f"Called him, he is safe for now {marker('NOTE')}"
    _session_ends(instances, anna)
    r = anna.post(f"/en/staff/requests/{rid}/note", data={"csrf": tok, "note": note})
    assert r.status_code == 200, r.status_code
    assert "Your session had ended, so this was not saved" in r.text and "after 30 minutes" in r.text
    f = _fields(r.text)
    assert f.get("kept_note") == note and f.get("return_to") == f"/en/staff/requests/{rid}/note", f
    assert 'class="error-summary"' not in r.text
    # a wrong code keeps carrying it
    wrong = _login_again(anna, f, code="000000" if totp(anna.secret, int(time.time()) // 30) != "000000" else "111111")
    assert wrong.status_code == 200 and _fields(wrong.text).get("kept_note") == note
    # logged in: the note in its form, with a banner under the H1; one press saves it
    r = _login_again(anna, _fields(wrong.text))
    assert r.status_code == 200, r.status_code
    assert re.search(r'</h1>\s*<div class="banner" role="status"><p>You are logged in again', r.text), r.text[:2000]
    action = re.search(r'<form method="post" action="([^"]+)"', r.text[r.text.index("</h1>"):]).group(1)
    assert action == f"/en/staff/requests/{rid}/note"
    assert re.search(r'<textarea id="kept-note" name="note"[^>]*>' + re.escape(note) + "</textarea>", r.text)
    r = anna.post(action, data={"csrf": find_csrf(r.text), "note": note})
    assert r.status_code in (200, 303), r.status_code
    assert note in anna.request_page(rid).text


def test_a_reply_with_a_file_after_the_session_ended(instances):
    inst = instances()
    anna = coordinator(inst)
    Requester(inst).submit_ok(f"Help {marker()}")
    rid = anna.request_ids()[0]
    tok = find_csrf(anna.request_page(rid).text)
    reply = f"Here is what to do {marker('REPLY')}"
    _session_ends(instances, anna)
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(tok, reply, [("do", "reply")], [("plan.txt", b"not carried")]))
    assert r.status_code == 200, r.status_code
    f = _fields(r.text)
    assert f.get("kept_message") == reply and f.get("return_multipart") == "1", f
    assert "Files cannot be carried" in r.text
    r = _login_again(anna, f)
    assert r.status_code == 200 and 'enctype="multipart/form-data"' in r.text
    r = anna.post(f"/en/staff/requests/{rid}/reply", files=multipart(find_csrf(r.text), reply, [("do", "reply")], []))
    assert r.status_code == 303, r.status_code
    assert reply in anna.request_page(rid).text


def test_the_carried_path_must_be_a_staff_path(instances):
    """A login form that names another place to return to gets the ordinary login answer:
    the carried form never leads off the staff pages."""
    inst = instances()
    anna = coordinator(inst)
    tok = find_csrf(anna.get("/en/staff/login").text)
    r = _login_again(anna, {"csrf": tok, "return_to": "https://evil.example/staff/x", "kept_note": "x"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/staff/"), r.status_code
    # the same check keeps a failed login from carrying such a path on
    for bad in ("//evil.example/staff/", "/en/guide", "/en/staff/../help", "/en/staff/x?y=1"):
        tok = find_csrf(anna.get("/en/staff/login").text)
        r = _login_again(anna, {"csrf": tok, "return_to": bad, "kept_note": "x"}, code=_wrong_code(anna))
        assert r.status_code == 200 and 'name="return_to"' not in r.text and 'name="kept_note"' not in r.text, bad
    r = _login_again(anna, {"csrf": tok, "return_to": "/en/staff/requests/ab/note", "kept_note": "x"}, code=_wrong_code(anna))
    assert 'name="return_to" value="/en/staff/requests/ab/note"' in r.text   # a staff path is carried


def test_login_form_errors_mark_their_fields(instances):
    """Errors in the form itself (an empty name, no passphrase, a code that is not six
    digits) are said per field, linked from the summary, with the name kept; they reveal
    nothing about accounts. A wrong passphrase still gets the one answer for all."""
    inst = instances()
    anna = coordinator(inst)
    tok = find_csrf(anna.get("/en/staff/login").text)
    r = anna.post("/en/staff/login", data={"csrf": tok, "handle": "", "passphrase": "", "totp": "12a"})
    assert r.status_code == 400
    for field in ("handle", "passphrase", "totp"):
        assert f'<a href="#{field}">' in r.text, field
        assert re.search(rf'id="{field}"[^>]*aria-describedby="{field}-error"', r.text), field
    assert r.text.index('class="error-summary"') < r.text.index("<form")
    assert re.search(r"<title>Error: ", r.text)
    r = anna.post("/en/staff/login", data={"csrf": tok, "handle": "nobody", "passphrase": "", "totp": "123456"})
    assert 'value="nobody"' in r.text and '<a href="#handle">' not in r.text and '<a href="#passphrase">' in r.text


def test_exit_from_an_open_mailbox_closes_it(instances):
    """In an open mailbox "Exit this page" is a button that ends the session on its way to
    the neutral site: whoever takes the phone next cannot press Back into it."""
    inst = instances()
    coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(f"Help {marker()}")
    page = rq.open_ok(receipt)
    form = re.search(r'<form class="exit-form" method="post" action="/en/mailbox/leave" novalidate>'
                     r'<input type="hidden" name="csrf" value="([^"]+)"><input type="hidden" name="exit" value="1">',
                     page.text)
    assert form, "no exit button in the open mailbox's header"
    r = rq.post("/en/mailbox/leave", data={"csrf": form.group(1), "exit": "1"})
    assert r.status_code == 303 and r.headers["Location"] == "https://www.gismeteo.by/", r.status_code
    assert "cookies" in ", ".join(r.headers.get("Clear-Site-Data", "").split(","))
    assert "Open your mailbox" in rq.mailbox().text   # closed
    assert '<a class="exit" href="https://www.gismeteo.by/" rel="noreferrer">' in rq.mailbox().text


def test_secrets_are_never_carried_through_the_login(instances):
    """A passphrase change posted after the session ended: nothing of it is carried (it is
    typed again), so no passphrase sits in two more pages."""
    inst = instances()
    anna = coordinator(inst)
    tok = find_csrf(anna.get("/en/staff/passphrase").text)
    _session_ends(instances, anna)
    r = anna.post("/en/staff/passphrase", data={"csrf": tok, "current": "old secret words here",
                                                "new": "new secret words here!", "again": "new secret words here!"})
    assert r.status_code == 200 and "Your session had ended" in r.text
    assert "secret words" not in r.text
