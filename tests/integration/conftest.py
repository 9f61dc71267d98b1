"""Fixtures for sava's integration tests: real `sava init` / `sava serve` processes on
127.0.0.1, driven with requests, http.client and raw sockets.

Rules every test here keeps:
- only loopback;
- every wait is bounded (a timeout on every socket and requests call, every loop has a
  deadline);
- every process a test starts is stopped by its PID (SIGTERM, bounded wait, SIGKILL as a
  last resort), even when the test fails.

The binary comes from $SAVA_BIN (default: build/sava under the repository root). The
same suite runs against an AddressSanitizer build, which is slower: every bound is
multiplied by TIMEOUT_SCALE (3 for a sanitized binary, or $SAVA_TIMEOUT_SCALE).
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]


def _sava_bin():
    raw = os.environ.get("SAVA_BIN", "build/sava")
    p = Path(raw)
    if not p.is_absolute():
        p = REPO_ROOT / p
    return p.resolve()


SAVA_BIN = _sava_bin()


def _is_sanitized(path):
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return b"__asan_init" in data or b"__ubsan_handle" in data


def _timeout_scale():
    env = os.environ.get("SAVA_TIMEOUT_SCALE")
    if env:
        return max(1.0, float(env))
    return 3.0 if _is_sanitized(SAVA_BIN) else 1.0


TIMEOUT_SCALE = _timeout_scale()
# Bound on one HTTP exchange (connect + answer).
HTTP_TIMEOUT = 10 * TIMEOUT_SCALE
# Bound on a CLI command (init, --help, a serve that must refuse to start).
CLI_TIMEOUT = 20 * TIMEOUT_SCALE
# Bound on the server starting to answer.
START_TIMEOUT = 20 * TIMEOUT_SCALE
# The spec: SIGTERM/SIGINT ends the process with status 0 within 10 s.
STOP_TIMEOUT = 10 * TIMEOUT_SCALE

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
EXACT_SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PERMISSIONS_REQUIRED = ("camera=()", "microphone=()", "geolocation=()")

LANGS = ("be", "ru", "en")
LANG_NAMES = {"be": "Беларуская", "ru": "Русский", "en": "English"}
# Path after /{lang}: the public pages.
PAGES = ("/", "/guide", "/about", "/help", "/mailbox")


# ---------------------------------------------------------------- processes

def stop_process(proc, sig=signal.SIGTERM, timeout=None):
    """Signals proc by its PID and waits (bounded); SIGKILL as a last resort.
    Returns (exit code, killed) where killed is True when SIGKILL was needed."""
    if timeout is None:
        timeout = STOP_TIMEOUT
    if proc.poll() is not None:
        return proc.returncode, False
    try:
        os.kill(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=timeout), False
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return proc.wait(timeout=10), True


def run_cli(*args, timeout=None, **kw):
    """Runs the sava binary with args; bounded (subprocess.run kills it on timeout)."""
    return subprocess.run([str(SAVA_BIN), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout or CLI_TIMEOUT, stdin=subprocess.DEVNULL, **kw)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sava_init(dir_path, fast=True):
    """`sava init [--insecure-fast-kdf] DIR`; asserts success, returns the CompletedProcess."""
    args = ["init"] + (["--insecure-fast-kdf"] if fast else []) + [str(dir_path)]
    r = run_cli(*args)
    assert r.returncode == 0, f"sava init failed ({r.returncode}): {r.stderr}"
    return r


def conf_set(dir_path, section, key, value):
    """Sets key = value in [section] of DIR/sava.conf: replaces the key's line when the
    section has it, else adds the line at the end of the section (adding the section
    when it is missing). Returns the 1-based line number of the line written."""
    path = Path(dir_path) / "sava.conf"
    lines = path.read_text().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    current = None
    section_end = None
    key_re = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for i, line in enumerate(lines):
        m = re.match(r"^\s*\[([^\]]*)\]\s*$", line)
        if m:
            if current == section:
                section_end = i
            current = m.group(1).strip()
            continue
        if current == section and key_re.match(line):
            lines[i] = f"{key} = {value}"
            path.write_text("\n".join(lines) + "\n")
            return i + 1
    if current == section:
        section_end = len(lines)
    if section_end is None:
        lines += ["", f"[{section}]"]
        section_end = len(lines)
    # Insert after the section's last non-blank line.
    at = section_end
    while at > 0 and lines[at - 1].strip() == "":
        at -= 1
    lines.insert(at, f"{key} = {value}")
    path.write_text("\n".join(lines) + "\n")
    return at + 1


class Instance:
    """One running `sava serve`. base is http://127.0.0.1:PORT."""

    def __init__(self, root, dir_path, log_path, port, proc):
        self.root = root
        self.dir = dir_path
        self.log_path = log_path
        self.port = port
        self.proc = proc
        self.pid = proc.pid
        self.base = f"http://127.0.0.1:{port}"
        self.returncode = None

    def url(self, path):
        return self.base + path

    def request(self, method, path, **kw):
        kw.setdefault("timeout", HTTP_TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return requests.request(method, self.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def connect(self, timeout=None):
        """A raw TCP connection to the server (caller closes it)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout or HTTP_TIMEOUT)
        s.settimeout(timeout or HTTP_TIMEOUT)
        return s

    def http_conn(self, timeout=None):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or HTTP_TIMEOUT)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=None):
        """Stops the server (once); returns its exit code."""
        if self.returncode is None:
            self.returncode, self.killed = stop_process(self.proc, sig, timeout)
        return self.returncode

    def assert_answers(self):
        """The server is up and serves a normal page."""
        assert self.alive(), f"sava exited with {self.proc.returncode}; log:\n{self.log()}"
        r = self.get("/en/guide")
        assert r.status_code == 200
        assert '<html lang="en">' in r.text


def _wait_until_answers(proc, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(HTTP_TIMEOUT)
                s.sendall(b"HEAD /static/sava.css HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Connection: close\r\n\r\n")
                if s.recv(16).startswith(b"HTTP/1."):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def start_instance(root, conf=None, fast=True, init=True, extra_args=()):
    """Creates (unless init is False) an instance in ROOT/inst, applies conf
    {(section, key): value} to its sava.conf, starts `sava serve` on a free loopback port
    with stderr to ROOT/serve.log and waits (bounded) until it answers."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    dir_path = root / "inst"
    if init:
        sava_init(dir_path, fast=fast)
    for (section, key), value in (conf or {}).items():
        conf_set(dir_path, section, key, value)
    log_path = root / "serve.log"
    last_log = ""
    for _attempt in range(3):   # a free port can be taken between probe and bind
        port = free_port()
        with open(log_path, "wb") as log, open(root / "serve.out", "wb") as out:
            proc = subprocess.Popen(
                [str(SAVA_BIN), "serve", str(dir_path), "--listen", f"127.0.0.1:{port}", *extra_args],
                stdin=subprocess.DEVNULL, stdout=out, stderr=log)
        try:
            ok = _wait_until_answers(proc, port, log_path)
        except BaseException:
            stop_process(proc)
            raise
        if ok:
            return Instance(root, dir_path, log_path, port, proc)
        stop_process(proc)
        last_log = log_path.read_text(errors="replace")
        if "cannot listen" not in last_log:
            break
    raise AssertionError(f"sava serve did not start (exit {proc.returncode}); log:\n{last_log}")


def _teardown(inst):
    already = inst.returncode is not None
    rc = inst.stop()
    if not already:
        assert not getattr(inst, "killed", False), \
            f"sava did not stop on SIGTERM within {STOP_TIMEOUT} s; log:\n{inst.log()}"
        assert rc == 0, f"sava exited with {rc} on SIGTERM; log:\n{inst.log()}"


@pytest.fixture(scope="session")
def sava(tmp_path_factory):
    """The default instance (test instance, default config) for read-only tests."""
    inst = start_instance(tmp_path_factory.mktemp("default"))
    try:
        yield inst
    finally:
        _teardown(inst)


@pytest.fixture
def make_instance(tmp_path):
    """Factory for function-scoped instances: make_instance(conf={...}, fast=True).
    Every instance it made is stopped at the end of the test, and must exit with 0."""
    made = []
    counter = [0]

    def make(conf=None, fast=True, **kw):
        counter[0] += 1
        inst = start_instance(tmp_path / f"i{counter[0]}", conf=conf, fast=fast, **kw)
        made.append(inst)
        return inst

    try:
        yield make
    finally:
        errors = []
        for inst in made:
            try:
                _teardown(inst)
            except AssertionError as e:
                errors.append(str(e))
        assert not errors, "\n".join(errors)


# ---------------------------------------------------------------- HTTP helpers

def raw_exchange(port, data, timeout=None, shutdown_write=False):
    """Sends raw bytes, reads until the server closes the connection (bounded by
    timeout in total). Returns the bytes received."""
    timeout = timeout or HTTP_TIMEOUT
    deadline = time.monotonic() + timeout
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            if shutdown_write:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks)


class RawResponse:
    def __init__(self, status, reason, headers, body, raw):
        self.status = status
        self.reason = reason
        self.headers = headers          # list of (name, value), in order
        self.body = body
        self.raw = raw

    def getlist(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def get(self, name):
        vals = self.getlist(name)
        return vals[0] if vals else None

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


def parse_response(raw):
    """Parses one HTTP/1.x response from raw bytes (the body is whatever follows the
    header block, cut to Content-Length when there is one)."""
    assert raw, "the server sent nothing"
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, f"no complete header block in {raw[:200]!r}"
    lines = head.decode("iso-8859-1").split("\r\n")
    m = re.match(r"^HTTP/1\.[01] (\d{3}) ?(.*)$", lines[0])
    assert m, f"bad status line {lines[0]!r}"
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    resp = RawResponse(int(m.group(1)), m.group(2), headers, rest, raw)
    cl = resp.get("Content-Length")
    if cl is not None and cl.isdigit():
        resp.body = rest[:int(cl)]
    return resp


def raw_request(port, method, target, headers=(), body=b"", timeout=None):
    """One request over a fresh connection with Connection: close, no header added
    beyond Host (unless given) and those listed. Returns a RawResponse."""
    lines = [f"{method} {target} HTTP/1.1"]
    names = {k.lower() for k, _ in headers}
    if "host" not in names:
        lines.append(f"Host: 127.0.0.1:{port}")
    for k, v in headers:
        lines.append(f"{k}: {v}")
    if "connection" not in names:
        lines.append("Connection: close")
    if body and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    return parse_response(raw_exchange(port, data, timeout=timeout))


def header_values(resp, name):
    """Every value of header name in a requests Response or a RawResponse (duplicates
    kept apart, not joined)."""
    if isinstance(resp, RawResponse):
        return resp.getlist(name)
    return resp.raw.headers.getlist(name)


def assert_security_headers(resp, cache="no-store"):
    """The headers every response carries. cache='no-store' for dynamic responses,
    'static' for the versioned stylesheet (ETag and max-age >= one year), 'media' for
    published media (max-age of an hour: a withdrawn file must leave caches soon)."""
    for name, want in EXACT_SECURITY_HEADERS.items():
        vals = header_values(resp, name)
        assert vals == [want], f"{name}: expected exactly [{want!r}], got {vals!r}"
    pp = header_values(resp, "Permissions-Policy")
    assert len(pp) == 1, f"Permissions-Policy: expected one header, got {pp!r}"
    directives = [d.strip() for d in pp[0].split(",")]
    for d in PERMISSIONS_REQUIRED:
        assert d in directives, f"Permissions-Policy {pp[0]!r} lacks {d}"
    cc = header_values(resp, "Cache-Control")
    assert len(cc) == 1, f"Cache-Control: expected one header, got {cc!r}"
    cc_directives = [d.strip().lower() for d in cc[0].split(",")]
    if cache == "no-store":
        assert "no-store" in cc_directives, f"Cache-Control {cc[0]!r} is not no-store"
    else:
        assert "no-store" not in cc_directives
        ages = [int(d.split("=", 1)[1]) for d in cc_directives if d.startswith("max-age=")]
        want = 3600 if cache == "media" else 31536000
        assert ages and (ages[0] == want if cache == "media" else ages[0] >= want), \
            f"Cache-Control {cc[0]!r}: max-age is not {want}"
        assert len(header_values(resp, "ETag")) == 1, "the stylesheet has no ETag"


# ---------------------------------------------------------------- page helpers

def html_lang(text):
    m = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", text)
    return m.group(1) if m else None


def strip_tags(s):
    return re.sub(r"<[^>]*>", "", s).strip()


def css_href(text):
    m = re.search(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>", text)
    assert m, "the page links no stylesheet"
    h = re.search(r"\bhref=\"([^\"]*)\"", m.group(0))
    assert h, "the stylesheet link has no href"
    return h.group(1).replace("&amp;", "&")


def csrf_token(text):
    m = re.search(r"<input\b[^>]*\bname=\"csrf\"[^>]*>", text)
    assert m, "the form has no csrf field"
    tag = m.group(0)
    assert re.search(r"\btype=\"hidden\"", tag), f"the csrf field is not hidden: {tag}"
    v = re.search(r"\bvalue=\"([^\"]*)\"", tag)
    assert v and v.group(1), f"the csrf field has no value: {tag}"
    return v.group(1)


def set_cookies(resp):
    return header_values(resp, "Set-Cookie")


def parse_set_cookie(value):
    """'name=v; Path=/; HttpOnly' -> (name, v, {attr_lower: value_or_True})."""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name.strip(), val.strip(), attrs


class Visitor:
    """A visitor holding the anonymous form cookie and the form's CSRF token."""

    def __init__(self, inst, lang="en"):
        r = inst.get(f"/{lang}/mailbox")
        assert r.status_code == 200, f"GET /{lang}/mailbox: {r.status_code}"
        cookies = [parse_set_cookie(v) for v in set_cookies(r)]
        assert cookies, "GET /{lang}/mailbox set no cookie"
        self.cookie_name, self.cookie_value, self.cookie_attrs = cookies[0]
        self.token = csrf_token(r.text)
        self.inst = inst
        self.lang = lang

    @property
    def cookie_header(self):
        return f"{self.cookie_name}={self.cookie_value}"

    def post(self, fields=None, body=None, token=True, cookie=True, lang=None, headers=None, path="mailbox"):
        """POSTs the mailbox form (or the form at /{lang}/PATH); fields is a list of (name,
        value) pairs (the csrf field is added first when token is True, or the given string
        when token is a string)."""
        lang = lang or self.lang
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            h["Cookie"] = self.cookie_header
        h.update(headers or {})
        if body is None:
            pairs = []
            if token is True:
                pairs.append(("csrf", self.token))
            elif isinstance(token, str):
                pairs.append(("csrf", token))
            pairs += list(fields or [])
            body = urllib.parse.urlencode(pairs)
        return self.inst.post(f"/{lang}/{path}", data=body, headers=h)
