"""Helpers for test_intake.py: a requester (help form, receipt, mailbox), a staff member
(invite, enroll, log in with a fresh TOTP code, triage pages), and a scan of files for
marker strings. Every HTTP call has a timeout; nothing here starts a process."""

import os
import re
import secrets
import stat
import time
from pathlib import Path

import requests

from conftest import HTTP_TIMEOUT, header_values, parse_set_cookie
from test_staff import PASSPHRASE, enroll, invite, login, totp

SITUATIONS = ("notice", "serving", "border", "out", "other")
WRITERS = ("self", "relative")
# Belarus's six voblasts and Minsk, then the army, abroad and "I prefer not to say" (issue 15)
REGIONS = ("brest", "vitebsk", "gomel", "grodno", "minsk_region", "mogilev", "minsk_city", "army", "abroad",
           "undisclosed")
# An earlier list's values (Russia's federal districts): no longer offered nor taken
OLD_REGIONS = ("central", "northwest", "south", "north_caucasus", "volga", "urals", "siberia", "far_east", "moscow",
               "st_petersburg")

RECEIPT_RE = re.compile(r'<p\b[^>]*\bid="receipt"[^>]*>((?:<span class="receipt-line">\d{4}(?: \d{4})?</span>)+)</p>')
REQUEST_LINK_RE = re.compile(r'href="(?:/[a-z]{2})?/staff/requests/([0-9a-f]{32})"')
STAFF_FILE_RE = re.compile(r'href="(?:/[a-z]{2})?/staff/files/([0-9a-f]{32})"')
MAILBOX_FILE_RE = re.compile(r'href="/(?:be|ru|en)/mailbox/file/([0-9a-f]{32})"')
CSRF_INPUT_RE = re.compile(r'<input\b[^>]*\bname="csrf"[^>]*>')
NOT_ACCEPTED = "Requests are not accepted here yet"
NO_MAILBOX = "We could not open a mailbox"


def marker(tag="MARKER"):
    """A unique string that can only come from this test run."""
    return f"{tag}-{secrets.token_hex(8)}"


def find_csrf(text):
    """The value of the page's hidden csrf field, or None when the page has none."""
    m = CSRF_INPUT_RE.search(text)
    if not m:
        return None
    v = re.search(r'\bvalue="([^"]*)"', m.group(0))
    return v.group(1) if v and v.group(1) else None


def without_csrf(text):
    """The page with every csrf field's value blanked, to compare two pages."""
    return CSRF_INPUT_RE.sub('<input name="csrf">', text)


def unique(seq):
    seen, out = set(), []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def cache_control(resp):
    return [d.strip().lower() for v in header_values(resp, "Cache-Control") for d in v.split(",")]


def assert_no_store(resp):
    assert "no-store" in cache_control(resp), \
        f"{resp.request.method} {resp.request.path_url}: Cache-Control {header_values(resp, 'Cache-Control')!r}"


def cookie_set(resp, name):
    """(value, attrs) of the Set-Cookie for name in resp, or None."""
    for v in header_values(resp, "Set-Cookie"):
        n, val, attrs = parse_set_cookie(v)
        if n == name:
            return val, attrs
    return None


def receipt_of(resp, digits=16):
    """The receipt shown on a success page: exactly groups of four digits separated by
    single spaces inside the element with id="receipt"."""
    m = RECEIPT_RE.search(resp.text)
    assert m, f"no receipt on the page (status {resp.status_code}):\n{resp.text[:3000]}"
    lines = re.findall(r'<span class="receipt-line">([^<]*)</span>', m.group(1))
    # two groups of four a line (the last may have one), so it never wraps mid-group
    assert all(len(l.split(" ")) <= 2 for l in lines) and all(len(l.split(" ")) == 2 for l in lines[:-1]), lines
    value = " ".join(lines)
    groups = digits // 4
    assert re.fullmatch(r"\d{4}(?: \d{4}){%d}" % (groups - 1), value), \
        f"the receipt {value!r} is not {groups} groups of four digits"
    return value


def textarea_text(text, name="message"):
    import html
    m = re.search(r'<textarea\b[^>]*\bname="%s"[^>]*>(.*?)</textarea>' % name, text, re.S)
    return html.unescape(m.group(1)) if m else None


def shows_receipt_form(text):
    """The mailbox's receipt form (and not a mailbox)."""
    return bool(re.search(r'<input\b[^>]*\bname="receipt"', text)) and "<article" not in text


def shows_mailbox(text, lang="en"):
    """A mailbox (its leave form; a closed request's mailbox has no reply form)."""
    return f'action="/{lang}/mailbox/leave"' in text


def select_options(text, name):
    """The option values of <select name=...>, in order."""
    m = re.search(r'<select\b[^>]*\bname="%s"[^>]*>(.*?)</select>' % name, text, re.S)
    assert m, f"no <select name=\"{name}\">"
    return re.findall(r'<option\b[^>]*\bvalue="([^"]*)"', m.group(1))


def radio_options(text, name):
    """The values of the radio buttons named name, in order."""
    tags = re.findall(r'<input\b[^>]*\btype="radio"[^>]*>', text)
    return [re.search(r'\bvalue="([^"]*)"', t).group(1) for t in tags if f'name="{name}"' in t]


def checked(text, name):
    """The values of the checked radio buttons named name, and of the selected options of
    <select name=...>."""
    tags = re.findall(r'<input\b[^>]*\btype="radio"[^>]*>', text)
    out = [re.search(r'\bvalue="([^"]*)"', t).group(1) for t in tags if f'name="{name}"' in t and " checked" in t]
    m = re.search(r'<select\b[^>]*\bname="%s"[^>]*>(.*?)</select>' % name, text, re.S)
    return out + (re.findall(r'<option value="([^"]*)" selected>', m.group(1)) if m else [])


def multipart(token, message=None, fields=(), files=(), empty_file_part=False):
    """Parts for requests' files= so that the body is always multipart/form-data: text
    fields as (None, value), files as (name, bytes, type). token None leaves csrf out."""
    parts = []
    if token is not None:
        parts.append(("csrf", (None, token)))
    if message is not None:
        parts.append(("message", (None, message)))
    for k, v in fields:
        parts.append((k, (None, v)))
    for name, data in files:
        parts.append(("attachment", (name, data, "application/octet-stream")))
    if empty_file_part and not files:
        # What a browser sends for a file input left empty.
        parts.append(("attachment", ("", b"", "application/octet-stream")))
    return parts


def content_disposition(resp):
    return ", ".join(header_values(resp, "Content-Disposition"))


class Requester:
    """One anonymous visitor (a requests.Session holding sava_a and, once the mailbox is
    open, sava_m). The csrf token is refreshed from every page that carries one."""

    def __init__(self, inst, lang="en"):
        self.inst = inst
        self.lang = lang
        self.s = requests.Session()
        self.token = None
        r = self.get(f"/{lang}/mailbox")
        assert r.status_code == 200, f"GET /{lang}/mailbox: {r.status_code}"
        assert self.token, "the mailbox page has no csrf token"

    def _note(self, r):
        t = find_csrf(r.text) if "text/html" in r.headers.get("Content-Type", "") else None
        if t:
            self.token = t
        return r

    def get(self, path, **kw):
        kw.setdefault("timeout", HTTP_TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self._note(self.s.get(self.inst.url(path), **kw))

    def post(self, path, **kw):
        kw.setdefault("timeout", HTTP_TIMEOUT * 3)
        kw.setdefault("allow_redirects", False)
        return self._note(self.s.post(self.inst.url(path), **kw))

    def _tok(self, token):
        return self.token if token is True else token

    def help_page(self):
        return self.get(f"/{self.lang}/help")

    def submit(self, message, situation="", region="", contact="", files=(), token=True,
               empty_file_part=False, writer=None):
        """POST /{lang}/help as the form would (a radio button left alone is not sent)."""
        fields = [("writer", writer)] if writer is not None else []
        parts = multipart(self._tok(token), message,
                          fields + [("situation", situation), ("region", region), ("contact", contact)],
                          files, empty_file_part)
        return self.post(f"/{self.lang}/help", files=parts)

    def submit_ok(self, message, digits=16, **kw):
        r = self.submit(message, **kw)
        assert r.status_code == 200, f"submission: {r.status_code}\n{r.text[:3000]}"
        return receipt_of(r, digits)

    def open(self, typed, token=True, message=None):
        """POST /{lang}/mailbox with the receipt as typed (and a kept reply, as the page
        shown after the mailbox closed carries it)."""
        data = {"receipt": typed}
        tok = self._tok(token)
        if tok is not None:
            data = {"csrf": tok, "receipt": typed}
        if message is not None:
            data["message"] = message
        return self.post(f"/{self.lang}/mailbox", data=data)

    def open_ok(self, typed):
        r = self.open(typed)
        assert r.status_code == 303, f"opening the mailbox: {r.status_code}\n{r.text[:3000]}"
        assert r.headers.get("Location", "").endswith(f"/{self.lang}/mailbox"), r.headers.get("Location")
        page = self.mailbox()
        assert page.status_code == 200 and shows_mailbox(page.text, self.lang), page.text[:3000]
        return page

    def mailbox(self):
        return self.get(f"/{self.lang}/mailbox")

    def file_ids(self, text=None):
        return unique(MAILBOX_FILE_RE.findall(text if text is not None else self.mailbox().text))

    def file(self, fid):
        return self.get(f"/{self.lang}/mailbox/file/{fid}")

    def reply(self, message, files=(), token=True):
        if token is True:
            self.mailbox()   # the token of the page the form is on
        return self.post(f"/{self.lang}/mailbox/reply", files=multipart(self._tok(token), message, (), files))

    def leave(self, token=True):
        if token is True:
            self.mailbox()
        tok = self._tok(token)
        return self.post(f"/{self.lang}/mailbox/leave", data={"csrf": tok} if tok is not None else {})


class Staff:
    """A staff account: invited with roles, enrolled, logged in (login() may be called
    again for a new session; each login uses a TOTP step not used before)."""

    def __init__(self, inst, handle, *roles):
        self.inst = inst
        self.handle = handle
        self.secret, _ = enroll(inst, invite(inst, *roles), handle)
        self.last_step = int(time.time()) // 30 - 1   # enroll() used this step
        self.s = None

    def login(self):
        step = max(int(time.time()) // 30, self.last_step + 1)
        s, r = login(self.inst, self.handle, PASSPHRASE, totp(self.secret, step))
        assert r.status_code == 303, f"login of {self.handle}: {r.status_code}\n{r.text[:2000]}"
        self.last_step = step
        self.s = s
        return self

    def get(self, path, **kw):
        kw.setdefault("timeout", HTTP_TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self.s.get(self.inst.url(path), **kw)

    def post(self, path, **kw):
        kw.setdefault("timeout", HTTP_TIMEOUT * 3)
        kw.setdefault("allow_redirects", False)
        return self.s.post(self.inst.url(path), **kw)

    def token(self):
        """A csrf token valid for this staff browser (from a staff page any role sees)."""
        for path in ("/en/staff/", "/en/staff/passphrase", "/en/staff/sessions"):
            r = self.get(path)
            t = find_csrf(r.text) if r.status_code == 200 else None
            if t:
                return t
        raise AssertionError(f"{self.handle}: no staff page with a csrf token")

    def list_page(self, path="/staff/requests"):
        r = self.get(path)
        assert r.status_code == 200, f"{self.handle}: GET {path}: {r.status_code}"
        return r

    def request_ids(self):
        return unique(REQUEST_LINK_RE.findall(self.list_page().text))

    def request_page(self, rid):
        r = self.get(f"/staff/requests/{rid}")
        assert r.status_code == 200, f"{self.handle}: GET /staff/requests/{rid}: {r.status_code}"
        return r

    def file_ids(self, rid, text=None):
        return unique(STAFF_FILE_RE.findall(text if text is not None else self.request_page(rid).text))

    def file(self, fid):
        return self.get(f"/staff/files/{fid}")

    def reply(self, rid, message, files=(), token=True):
        if token is True:
            token = find_csrf(self.request_page(rid).text)
            assert token, "the request page has no reply form"
        return self.post(f"/staff/requests/{rid}/reply", files=multipart(token, message, [("do", "reply")], files))


def coordinator(inst, handle="anna"):
    """The first coordinator, enrolled and logged in: her first login creates the triage
    key, so the instance takes requests from then on."""
    return Staff(inst, handle, "coordinator").login()


# ---------------------------------------------------------------- files at rest

def _encodings(markers):
    out = []
    for m in markers:
        out.append((m, m.encode("utf-8")))
        out.append((m + " (UTF-16LE)", m.encode("utf-16-le")))
    return out


def _scan_bytes(data, enc, where, found):
    for name, b in enc:
        if b in data:
            found.append(f"{name} in {where}")


def scan_tree(root, markers, found, newer_than=None, skip=(), deadline=None, max_bytes=256 << 20):
    """Appends to found every (marker, file) where a file under root holds a marker.
    Symlinks are not followed; unreadable or vanished files are skipped."""
    enc = _encodings(markers)
    skip = [str(Path(p)) for p in skip]
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
        if deadline is not None and time.monotonic() > deadline:
            return
        if any(dirpath == s or dirpath.startswith(s + os.sep) for s in skip):
            dirnames[:] = []
            continue
        for fn in filenames:
            p = os.path.join(dirpath, fn)
            try:
                st = os.lstat(p)
                if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
                    continue
                if newer_than is not None and max(st.st_mtime, st.st_ctime) < newer_than:
                    continue
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            _scan_bytes(data, enc, p, found)


def scan_open_files(pid, markers, found, max_bytes=256 << 20):
    """Every regular file the process holds open (also unlinked spool files), read
    through /proc/PID/fd."""
    enc = _encodings(markers)
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return
    for fd in fds:
        p = f"/proc/{pid}/fd/{fd}"
        try:
            st = os.stat(p)
            if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
                continue
            target = os.readlink(p)
            with open(p, "rb") as f:
                data = f.read()
        except OSError:
            continue
        _scan_bytes(data, enc, f"{p} -> {target}", found)
