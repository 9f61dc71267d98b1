#!/usr/bin/python3
"""Anonymous help requests (POST /{lang}/help): submissions per second, in one run.

The issue's requirement: submissions per second with --insecure-fast-kdf (the cost of
everything but the KDF; target at least 1,000/s on 2 cores, durable) and with production
cost, against the KDF-bound limit measured in the same run (target at least 90 %).

Each mode starts a fresh instance of its own (a copy of the binary, so that a rebuild
during the run cannot change what is measured) on a free 127.0.0.1 port:

  fast        `sava init --insecure-fast-kdf`. Measures everything but the KDF: the
              multipart parsing, the CSRF check, the case sealing, the shred-key slot
              (fdatasync) and the COMMIT (synchronous = FULL), the receipt page.
  production  `sava init` (Argon2id 256 MiB, 3 passes per submission). First the KDF-bound
              limit: derivations per second at that cost with PyNaCl (the same libsodium),
              one thread per core at once, as bench/login.py does; then the submissions,
              and their ratio to the limit.

In both: [intake] per_minute = 0 and untriaged_max = 0 (no limits), [server] kdf_queue at
least 2 x CONCURRENCY (so that nobody is told "busy"). A coordinator is invited (sava
invite), enrolls and logs in once, which creates the triage key (requests are accepted
only after that). Then CONCURRENCY keep-alive connections, spread over CLIENT_PROCS
processes (one thread per connection), each GET /en/help once for its own CSRF cookie and
token and then POST /en/help in a loop: multipart, csrf + a 500-character message +
situation + region + an empty contact (+ one attachment of ATTACHMENT_KB KiB with
--attachment-kb). The request bytes are built once per connection and the client is a
minimal HTTP/1.1 reader on a raw socket, so that Python costs as little as possible.
A submission counts when the answer is 200 and holds a receipt (16 or 20 digits in
<p ... id="receipt">). Only answers that arrive inside the measured window count (after
WARMUP s of unmeasured load). Reported: submissions/s, p50/p99/max latency, every other
outcome by status, the CPU used by sava, by the clients, by everything else and hypervisor
steal (% of one core), sava's RSS idle and its peak (VmHWM) at the end, whether all
receipts were distinct, and whether the coordinator's list shows requests.

Everything is on 127.0.0.1, every wait is bounded, sava and the client processes are
stopped by PID (SIGTERM, bounded wait, SIGKILL), also on errors and Ctrl-C, and the
temporary directory is removed (unless --keep).

usage: bench/intake.py [--mode fast|production|both] [--duration S] [--concurrency N]
                       [--attachment-kb N] [--client-procs N] [--warmup S]
                       [--set SECTION.KEY=VALUE ...] [--dir PARENT] [--keep]
Needs python3-nacl and python3-requests (Debian); SAVA_BIN=path measures another binary.
"""
import argparse
import array
import base64
import datetime
import hashlib
import hmac
import multiprocessing
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import nacl.pwhash
    import requests
except ImportError:
    sys.exit("intake.py needs Debian's python3-nacl and python3-requests "
             "(as root: apt-get install -y python3-nacl python3-requests)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAVA_BUILT = os.environ.get("SAVA_BIN", os.path.join(ROOT, "build", "sava"))

HANDLE = "benchcoord"
PASSPHRASE = "bench coordinator passphrase, long enough"
CLK_TCK = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 20        # s: sava starts answering
CLI_TIMEOUT = 60          # s: sava init / invite
STOP_TIMEOUT = 20         # s: after SIGTERM, before SIGKILL
SETUP_TIMEOUT = 60        # s: client processes fetch their forms
DEFAULT_DURATION = {"fast": 20.0, "production": 30.0}
DEFAULT_CONCURRENCY = {"fast": 16, "production": 8}
REQUEST_TIMEOUT = {"fast": 30.0, "production": 120.0}

# A realistic message: 500 characters of Cyrillic and Latin text (764 bytes of UTF-8).
_TEXT = ("Здравствуйте. Мне пришла повестка из военкомата, вручить пытались на работе, "
         "я не расписывался. Что мне делать, если придут домой? Can I leave the country "
         "with my internal passport, and what happens at the border if my name is on a list? "
         "Семья в другом городе, работаю удалённо, денег на дорогу хватит. ")
MESSAGE = (_TEXT * (500 // len(_TEXT) + 1))[:500].rstrip()
SITUATION = "notice"
REGION = "undisclosed"

RECEIPT_RE = re.compile(rb'id="receipt"[^>]*>\s*(\d{4}(?: \d{4}){3,4})\s*<')
CSRF_RE = re.compile(rb'name="csrf" value="([^"]+)"')


def note(msg):
    print("# " + msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- a minimal HTTP/1.1 client

class ProtocolError(Exception):
    pass


class Http:
    """One keep-alive connection to 127.0.0.1:port. exchange() sends prebuilt request bytes
    and reads one response (Content-Length, chunked, or until close). A request on a reused
    connection that the server had closed before answering a single byte is sent once more
    on a fresh one (that is the idle keep-alive race, not a failure)."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buf = bytearray()
        self.got = False
        self.retries = 0
        self.connects = 0

    def connect(self, deadline):
        self.close()
        left = max(0.1, deadline - time.monotonic())
        s = socket.create_connection(("127.0.0.1", self.port), timeout=left)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s
        self.buf = bytearray()
        self.connects += 1

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("request timed out")
        self.sock.settimeout(left)
        b = self.sock.recv(262144)
        if not b:
            raise EOFError("the server closed the connection")
        self.got = True
        self.buf += b

    def _line(self, deadline):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            if len(self.buf) > 65536:
                raise ProtocolError("line too long")
            self._recv(deadline)

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._recv(deadline)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _response(self, deadline):
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                break
            if len(self.buf) > 65536:
                raise ProtocolError("header block too long")
            self._recv(deadline)
        head = bytes(self.buf[:i])
        del self.buf[:i + 4]
        lines = head.split(b"\r\n")
        first = lines[0].split(b" ", 2)
        if len(first) < 2 or not first[0].startswith(b"HTTP/1.") or not first[1].isdigit():
            raise ProtocolError("bad status line %r" % lines[0][:80])
        status = int(first[1])
        close = first[0] == b"HTTP/1.0"
        length = None
        chunked = False
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            k = k.strip().lower()
            v = v.strip()
            headers.append((k, v))
            if k == b"content-length":
                length = int(v)
            elif k == b"transfer-encoding":
                chunked = b"chunked" in v.lower()
            elif k == b"connection":
                close = b"close" in v.lower() or (close and b"keep-alive" not in v.lower())
        if chunked:
            parts = []
            while True:
                size = int(self._line(deadline).split(b";")[0].strip(), 16)
                if size == 0:
                    while self._line(deadline):
                        pass          # trailers
                    break
                parts.append(self._take(size, deadline))
                if self._take(2, deadline) != b"\r\n":
                    raise ProtocolError("bad chunk")
            body = b"".join(parts)
        elif length is not None:
            body = self._take(length, deadline)
        else:
            try:
                while True:
                    self._recv(deadline)
            except EOFError:
                pass
            body = bytes(self.buf)
            self.buf = bytearray()
            close = True
        if close:
            self.close()
        return status, headers, body

    def exchange(self, data, timeout):
        deadline = time.monotonic() + timeout
        for attempt in (0, 1):
            fresh = self.sock is None
            if fresh:
                self.connect(deadline)
            self.got = False
            try:
                self.sock.settimeout(max(0.1, deadline - time.monotonic()))
                self.sock.sendall(data)
                return self._response(deadline)
            except (EOFError, ConnectionResetError, BrokenPipeError):
                self.close()
                if fresh or self.got or attempt == 1:
                    raise
                self.retries += 1
        raise ProtocolError("unreachable")


def get_request(port, path, cookie=None):
    h = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if cookie:
        h += f"Cookie: {cookie}\r\n"
    return (h + "\r\n").encode()


def form_cookie(headers):
    """The anonymous CSRF cookie (sava_a, or __Host-sava_a with TLS) as 'name=value'."""
    found = []
    for k, v in headers:
        if k == b"set-cookie":
            pair = v.split(b";")[0].strip()
            found.append(pair)
            if pair.split(b"=")[0].endswith(b"sava_a"):
                return pair.decode()
    if found:
        return found[0].decode()
    return None


def help_form(http, port, lang, timeout=10):
    """GET /{lang}/help on this connection: (cookie 'name=value', csrf token)."""
    status, headers, body = http.exchange(get_request(port, f"/{lang}/help"), timeout)
    if status != 200:
        raise BenchError(f"GET /{lang}/help answered {status}")
    m = CSRF_RE.search(body)
    if not m:
        raise BenchError(f"GET /{lang}/help has no form with a csrf field: "
                         f"{page_text(body)[:300]!r}")
    cookie = form_cookie(headers)
    if not cookie:
        raise BenchError(f"GET /{lang}/help set no cookie")
    return cookie, m.group(1).decode()


def submission(port, lang, cookie, token, attachment):
    """The complete bytes of one POST /{lang}/help, as a browser would send the form."""
    boundary = "----savabench" + os.urandom(12).hex()
    parts = []
    for name, value in (("csrf", token), ("message", MESSAGE), ("situation", SITUATION),
                        ("region", REGION), ("contact", "")):
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                     .encode() + value.encode() + b"\r\n")
    if attachment is not None:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; "
                     f"filename=\"scan.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                     .encode() + attachment + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    head = (f"POST /{lang}/help HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def receipt_of(body):
    i = body.find(b'id="receipt"')
    if i < 0:
        return None
    m = RECEIPT_RE.match(body, i)
    return m.group(1) if m else None


def page_text(body):
    t = re.sub(rb"<[^>]*>", b" ", body)
    return re.sub(rb"\s+", b" ", t).decode("utf-8", "replace").strip()


# ---------------------------------------------------------------- client processes

def client_process(idx, nconn, cfg, ready_q, go, go_at, result_q):
    """nconn connections, one thread each. Reports readiness, waits for go, runs until the
    window ends, then puts its counts, latencies, receipts and CPU time on result_q."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent stops us by PID
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    port, lang, timeout = cfg["port"], cfg["lang"], cfg["timeout"]
    attachment = os.urandom(cfg["attachment_kb"] * 1024) if cfg["attachment_kb"] else None
    conns = []
    try:
        for _ in range(nconn):
            h = Http(port)
            cookie, token = help_form(h, port, lang)
            conns.append((h, submission(port, lang, cookie, token, attachment)))
    except Exception as e:     # noqa: BLE001 - reported to the parent, which stops the run
        ready_q.put((idx, f"{type(e).__name__}: {e}"))
        return
    ready_q.put((idx, None))
    if not go.wait(SETUP_TIMEOUT * 2):
        return
    w0 = go_at.value + cfg["warmup"]
    w1 = w0 + cfg["duration"]
    results = []

    def run(h, req):
        counts, lat, receipts = {}, array.array("d"), []
        while True:
            t = time.monotonic()
            if t >= w1:
                break
            rec = None
            try:
                status, _, body = h.exchange(req, timeout)
                if status == 200:
                    rec = receipt_of(body)
                    key = 200 if rec else "200 without a receipt"
                else:
                    key = status
            except socket.timeout:
                key = "timeout"
                h.close()
            except (OSError, EOFError, ValueError, ProtocolError) as e:
                key = "connection: " + type(e).__name__
                h.close()
                time.sleep(0.05)        # the server may be gone: no hot loop
            t2 = time.monotonic()
            if w0 <= t2 < w1:
                counts[key] = counts.get(key, 0) + 1
                if rec:
                    lat.append(t2 - t)
                    receipts.append(rec)
        results.append((counts, lat, receipts, h.retries, h.connects))
        h.close()

    threads = [threading.Thread(target=run, args=c, daemon=True) for c in conns]
    for t in threads:
        t.start()
    now = time.monotonic()
    if now < w0:
        time.sleep(w0 - now)
    cpu0 = time.process_time()
    now = time.monotonic()
    if now < w1:
        time.sleep(w1 - now)
    cpu1 = time.process_time()
    end = w1 + timeout + 5
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    counts, lat, receipts, retries, connects = {}, array.array("d"), [], 0, 0
    for c, la, r, rt, cn in list(results):
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
        lat.extend(la)
        receipts.extend(r)
        retries += rt
        connects += cn
    result_q.put({"idx": idx, "counts": counts, "lat": lat.tobytes(), "receipts": b"\n".join(receipts),
                  "cpu": cpu1 - cpu0, "unfinished": sum(t.is_alive() for t in threads),
                  "retries": retries, "connects": connects})


# ---------------------------------------------------------------- sava and the machine

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_field(pid, field):
    """A /proc/PID/status memory field in KiB, or -1."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def proc_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])       # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def sys_ticks():
    """(total, idle + iowait, steal) from /proc/stat, all CPUs."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    v += [0] * (8 - len(v))
    return sum(v[:8]), v[3] + v[4], v[7]


def conf_set(inst, section, key, value):
    """key = value in [section] of INST/sava.conf (the line replaced, or added at the end of
    the section, the section added when missing): the same rules as tests' conftest."""
    path = os.path.join(inst, "sava.conf")
    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    current, section_end = None, None
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
            break
    else:
        if current == section:
            section_end = len(lines)
        if section_end is None:
            lines += ["", f"[{section}]"]
            section_end = len(lines)
        at = section_end
        while at > 0 and lines[at - 1].strip() == "":
            at -= 1
        lines.insert(at, f"{key} = {value}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def fs_type(path):
    path = os.path.realpath(path)
    best, kind = "", "?"
    try:
        with open("/proc/self/mounts") as f:
            for line in f:
                p = line.split()
                if len(p) < 3:
                    continue
                mnt = p[1].replace("\\040", " ")
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, kind = mnt, p[2]
    except OSError:
        pass
    return kind


def machine_info(instance_parent):
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = status_like("/proc/meminfo", "MemTotal")
    return {"nproc": len(os.sched_getaffinity(0)), "cpus": os.cpu_count(), "model": model,
            "mem_gib": mem / 1024 / 1024 if mem > 0 else 0, "kernel": os.uname().release,
            "fs": fs_type(instance_parent), "python": sys.version.split()[0]}


def status_like(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def kdf_rate(cores, n=8, workdir=None):
    """The raw library limit: Argon2id derivations per second at production cost with one
    thread per core, each doing n in a row, from C through libsodium's crypto_pwhash as
    sava calls it (bench/kdf_ref.c, compiled here), so that memory-bandwidth contention
    between cores counts. Falls back to PyNaCl (the same libsodium) without a compiler.
    Returns (rate, seconds of one derivation alone, how it was measured)."""
    src = os.path.join(ROOT, "bench", "kdf_ref.c")
    exe = os.path.join(workdir or tempfile.gettempdir(), "kdf_ref")
    try:
        subprocess.run(["cc", "-O2", "-o", exe, src, "-lsodium", "-lpthread"], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run([exe, str(cores), str(n)], check=True, timeout=600, capture_output=True, text=True)
        rate, one = out.stdout.split()
        return float(rate), float(one), "C, bench/kdf_ref.c"
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    salt = os.urandom(16)

    def run(k):
        for _ in range(k):
            nacl.pwhash.argon2id.kdf(32, b"1234567890123456", salt, opslimit=3, memlimit=256 * 1024 * 1024)

    t = time.monotonic()
    run(2)
    one = (time.monotonic() - t) / 2
    threads = [threading.Thread(target=run, args=(n,)) for _ in range(cores)]
    t = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return cores * n / (time.monotonic() - t), one, "PyNaCl"


class Sava:
    """One `sava serve` on a free loopback port, stderr to LOG; stop() by PID."""

    def __init__(self, binary, inst, log_path):
        self.proc = None
        last = ""
        for _ in range(3):      # a free port can be taken between probe and bind
            self.port = free_port()
            with open(log_path, "ab") as log:
                self.proc = subprocess.Popen([binary, "serve", inst, "--listen", f"127.0.0.1:{self.port}"],
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
            if self._wait():
                return
            self.stop()
            with open(log_path, errors="replace") as f:
                last = f.read()[-2000:]
            if "listen" not in last:
                break
        raise BenchError(f"sava serve did not start; its log ends with:\n{last}")

    def _wait(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.settimeout(5)
                    s.sendall(b"HEAD /static/sava.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if s.recv(16).startswith(b"HTTP/1."):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        """SIGTERM, a bounded wait, SIGKILL. Returns (exit code, killed)."""
        if self.proc is None:
            return None, False
        killed = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                killed = True
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        return self.proc.returncode, killed


# ---------------------------------------------------------------- the coordinator

def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    h = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((int.from_bytes(h[o:o + 4], "big") & 0x7FFFFFFF) % 1000000)


def csrf(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    if not m:
        raise BenchError("a staff page has no csrf field")
    return m.group(1)


def coordinator(binary, inst, sava):
    """Invites, enrolls and logs in a coordinator, which creates the triage key (as
    tests/integration/test_staff.py does). Returns the logged-in requests.Session."""
    r = subprocess.run([binary, "invite", inst, "--role", "coordinator"], capture_output=True, text=True,
                       timeout=CLI_TIMEOUT)
    path = r.stdout.strip()
    if r.returncode != 0 or not path.startswith("/staff/enroll/"):
        raise BenchError(f"sava invite failed ({r.returncode}): {r.stderr.strip()}")
    s = requests.Session()
    url = sava.url("/en" + path)
    r = s.get(url, timeout=10)
    r = s.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": HANDLE, "passphrase": PASSPHRASE},
               timeout=60)
    m = re.search(r'class="receipt-digits">([A-Z2-7 ]+)<', r.text)
    if r.status_code != 200 or not m:
        raise BenchError(f"enrollment, step create: {r.status_code}")
    recovery = m.group(1).replace(" ", "")
    r = s.post(url, data={"csrf": csrf(r.text), "step": "confirm", "recovery_part": recovery[-6:]}, timeout=10)
    m = re.search(r'class="secret">([A-Z2-7]+)<', r.text)
    if r.status_code != 200 or not m:
        raise BenchError(f"enrollment, step confirm: {r.status_code}")
    secret = m.group(1)
    used = int(time.time()) // 30 - 1
    r = s.post(url, data={"csrf": csrf(r.text), "step": "finish", "totp": totp(secret, used)}, timeout=10)
    if r.status_code != 200 or "Your account is ready" not in r.text:
        raise BenchError(f"enrollment, step finish: {r.status_code}")
    for _ in range(2):
        s = requests.Session()
        page = s.get(sava.url("/en/staff/login"), timeout=10)
        step = max(int(time.time()) // 30, used + 1)
        r = s.post(sava.url("/en/staff/login"), allow_redirects=False, timeout=60,
                   data={"csrf": csrf(page.text), "handle": HANDLE, "passphrase": PASSPHRASE,
                         "totp": totp(secret, step)})
        if r.status_code == 303:
            return s
        used = step
        time.sleep(max(0.0, (step + 1) * 30 - time.time()) + 0.5)    # at most 31 s: the next code
    raise BenchError(f"the coordinator's login failed ({r.status_code})")


# ---------------------------------------------------------------- one mode

def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def run_mode(mode, args, binary, tmp, machine):
    fast = mode == "fast"
    duration = args.duration if args.duration else DEFAULT_DURATION[mode]
    conc = args.concurrency if args.concurrency else DEFAULT_CONCURRENCY[mode]
    nprocs = max(1, min(conc, args.client_procs or machine["nproc"]))
    timeout = REQUEST_TIMEOUT[mode]
    res = {"mode": mode, "duration": duration, "concurrency": conc, "procs": nprocs}

    inst = os.path.join(tmp, mode)
    log_path = os.path.join(tmp, mode + ".log")
    r = subprocess.run([binary, "init"] + (["--insecure-fast-kdf"] if fast else []) + [inst],
                       capture_output=True, text=True, timeout=CLI_TIMEOUT)
    if r.returncode != 0:
        raise BenchError(f"sava init failed ({r.returncode}): {r.stderr.strip()}")
    settings = [("intake", "per_minute", "0"), ("intake", "untriaged_max", "0"),
                ("server", "kdf_queue", str(max(64, 2 * conc)))]
    if args.attachment_kb > 50 * 1024:
        settings.append(("intake", "max_file_mb", str(-(-args.attachment_kb // 1024))))
    settings += args.set
    for section, key, value in settings:
        conf_set(inst, section, key, value)
    res["settings"] = settings

    note(f"{mode}: starting sava ({'--insecure-fast-kdf' if fast else 'production cost'})")
    sava = Sava(binary, inst, log_path)
    procs = []
    try:
        time.sleep(1)
        res["idle_rss"] = status_field(sava.pid, "VmRSS")
        note(f"{mode}: coordinator enrolls and logs in (creates the triage key)")
        staff = coordinator(binary, inst, sava)

        # One submission first: the feature works, and the client reads it right.
        h = Http(sava.port)
        cookie, token = help_form(h, sava.port, "en")
        attachment = os.urandom(args.attachment_kb * 1024) if args.attachment_kb else None
        status, headers, body = h.exchange(submission(sava.port, "en", cookie, token, attachment), timeout)
        h.close()
        if status != 200 or not receipt_of(body):
            raise BenchError(f"the first submission answered {status}"
                             f"{' without a receipt' if status == 200 else ''}: {page_text(body)[:300]!r}")
        cc = [v for k, v in headers if k == b"cache-control"]
        res["no_store"] = bool(cc) and b"no-store" in cc[0]

        if not fast:
            note(f"{mode}: measuring the KDF-bound limit ({machine['nproc']} derivations at once)")
            res["limit"], res["one_kdf"], res["limit_how"] = kdf_rate(machine["nproc"])

        note(f"{mode}: {conc} connections in {nprocs} client processes, {args.warmup:g} s warm-up, "
             f"{duration:g} s measured")
        ctx = multiprocessing.get_context("fork")
        ready_q, result_q = ctx.Queue(), ctx.Queue()
        go = ctx.Event()
        go_at = ctx.Value("d", 0.0)
        cfg = {"port": sava.port, "lang": "en", "timeout": timeout, "attachment_kb": args.attachment_kb,
               "warmup": args.warmup, "duration": duration}
        split = [conc // nprocs + (1 if i < conc % nprocs else 0) for i in range(nprocs)]
        for i, n in enumerate(split):
            p = ctx.Process(target=client_process, args=(i, n, cfg, ready_q, go, go_at, result_q), daemon=True)
            p.start()
            procs.append(p)
        deadline = time.monotonic() + SETUP_TIMEOUT
        for _ in procs:
            try:
                idx, err = ready_q.get(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:
                raise BenchError("the client processes did not get their forms in time")
            if err:
                raise BenchError(f"client process {idx}: {err}")
        go_at.value = time.monotonic() + 0.1
        go.set()
        w0 = go_at.value + args.warmup
        w1 = w0 + duration
        while time.monotonic() < w0:
            time.sleep(min(0.2, max(0.0, w0 - time.monotonic())))
        s0, m0 = proc_ticks(sava.pid), sys_ticks()
        while time.monotonic() < w1:
            if not sava.alive():
                raise BenchError(f"sava exited ({sava.proc.returncode}) during the load")
            time.sleep(min(0.2, max(0.0, w1 - time.monotonic())))
        s1, m1 = proc_ticks(sava.pid), sys_ticks()

        counts, lat, receipts, cpu, unfinished, retries, connects = {}, array.array("d"), [], 0.0, 0, 0, 0
        deadline = w1 + timeout + 30
        for _ in procs:
            try:
                out = result_q.get(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:
                raise BenchError("a client process did not report in time")
            for k, v in out["counts"].items():
                counts[k] = counts.get(k, 0) + v
            a = array.array("d")
            a.frombytes(out["lat"])
            lat.extend(a)
            if out["receipts"]:
                receipts.extend(out["receipts"].split(b"\n"))
            cpu += out["cpu"]
            unfinished += out["unfinished"]
            retries += out["retries"]
            connects += out["connects"]
        for p in procs:
            p.join(10)

        ok = counts.get(200, 0)
        lat = sorted(lat)
        dt, didle, dsteal = (m1[0] - m0[0]) or 1, m1[1] - m0[1], m1[2] - m0[2]
        cores = machine["cpus"] or 1
        busy = (dt - didle - dsteal) / dt * cores * 100
        res.update({
            "ok": ok, "rate": ok / duration, "counts": counts,
            "p50": percentile(lat, 50) * 1000, "p99": percentile(lat, 99) * 1000,
            "max": (lat[-1] * 1000) if lat else float("nan"),
            "distinct": len(set(receipts)) == len(receipts), "unfinished": unfinished, "retries": retries,
            "reconnects": max(0, connects - conc),
            "sava_cpu": (s1 - s0) / CLK_TCK / duration * 100,
            "client_cpu": cpu / duration * 100,
            "steal": dsteal / dt * cores * 100, "idle": didle / dt * cores * 100,
        })
        res["other"] = max(0.0, busy - res["sava_cpu"] - res["client_cpu"])
        res["peak_rss"] = status_field(sava.pid, "VmHWM")
        res["end_rss"] = status_field(sava.pid, "VmRSS")

        # The coordinator sees them (page 1 of the list).
        try:
            r = staff.get(sava.url("/en/staff/requests"), timeout=30, allow_redirects=False)
            res["staff_list"] = (r.status_code, len(set(re.findall(r"/staff/requests/[0-9a-f]{32}", r.text))))
        except requests.RequestException as e:
            res["staff_list"] = (type(e).__name__, 0)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()                 # SIGTERM to that PID
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(2)
        rc, killed = sava.stop()
        res["exit"] = "killed after SIGTERM timed out" if killed else rc
        if rc not in (0, None) or killed:
            with open(log_path, errors="replace") as f:
                note(f"{mode}: sava exited with {res['exit']}; its log ends with:\n{f.read()[-1500:]}")
    return res


# ---------------------------------------------------------------- report

def fmt_counts(counts):
    other = {k: v for k, v in counts.items() if k != 200}
    if not other:
        return "none"
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(other.items(), key=lambda kv: str(kv[0])))


def mib(kib):
    return f"{kib / 1024:.1f} MiB" if kib >= 0 else "?"


def report(results, args, machine, binary_info, started):
    print()
    print(f"### Help requests: submissions per second ({started:%Y-%m-%d %H:%M} UTC)")
    print()
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    print("Command: `" + shlex.join([sys.executable, script] + sys.argv[1:]) + "`"
          + (f" (SAVA_BIN={os.environ['SAVA_BIN']})" if os.environ.get("SAVA_BIN") else ""))
    print()
    print(f"Machine: `nproc` {machine['nproc']} ({machine['cpus']} CPUs), {machine['model']}, "
          f"{machine['mem_gib']:.1f} GiB, kernel {machine['kernel']}; instance on {machine['fs']}"
          + (" (fsync costs nothing there: NOT durable)" if machine["fs"] in ("tmpfs", "ramfs") else "")
          + f"; Python {machine['python']}")
    print(f"sava: {binary_info}. Each submission: a {len(MESSAGE)}-character message ({len(MESSAGE.encode())} "
          f"bytes), situation, region, empty contact"
          + (f", one {args.attachment_kb} KiB attachment" if args.attachment_kb else ", no attachment")
          + f"; warm-up {args.warmup:g} s.")
    print()
    print("| mode | connections / client procs | s | submissions/s | p50 ms | p99 ms | max ms | other outcomes "
          "| sava CPU | client CPU | other CPU | steal | idle RSS | peak RSS (VmHWM) | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if "rate" not in r:
            print(f"| {r['mode']} | {r['concurrency']} / {r['procs']} | - | **failed** | | | | {r.get('error', '').replace('|', '/')} "
                  "| | | | | | | |")
            continue
        if r["mode"] == "fast":
            target = f"≥ 1,000/s: {'met' if r['rate'] >= 1000 else 'NOT met'}"
        else:
            pct = 100 * r["rate"] / r["limit"]
            target = (f"limit {r['limit']:.2f}/s, **{pct:.0f} %**: ≥ 90 % {'met' if pct >= 90 else 'NOT met'}")
        print(f"| {r['mode']} | {r['concurrency']} / {r['procs']} | {r['duration']:g} | **{r['rate']:,.1f}** "
              f"| {r['p50']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {fmt_counts(r['counts'])} "
              f"| {r['sava_cpu']:.0f} % | {r['client_cpu']:.0f} % | {r['other']:.0f} % | {r['steal']:.0f} % "
              f"| {mib(r['idle_rss'])} | {mib(r['peak_rss'])} | {target} |")
    print()
    print("CPU in % of one core over the measured window; \"other\" is every other process and the kernel's "
          "own threads, not counting idle or steal.")
    for r in results:
        if "rate" not in r:
            continue
        extra = []
        if r["mode"] == "production":
            extra.append(f"one Argon2id (256 MiB, 3 passes) alone {r['one_kdf']:.3f} s; "
                         f"limit = {machine['nproc']} at once, {r.get('limit_how', '?')}")
        extra.append(f"{r['ok']:,} receipts, {'all distinct' if r['distinct'] else 'SOME REPEATED'}")
        extra.append("Cache-Control no-store" if r.get("no_store") else "NO Cache-Control: no-store")
        sl = r.get("staff_list", ("-", 0))
        extra.append(f"coordinator's list: {sl[0]}, {sl[1]} requests on page 1")
        if r["unfinished"]:
            extra.append(f"{r['unfinished']} connections still waiting at the end")
        if r["retries"]:
            extra.append(f"{r['retries']} keep-alive resends")
        if r["reconnects"]:
            extra.append(f"{r['reconnects']:,} reconnections (the server closed kept-alive connections)")
        extra.append(f"sava exit {r['exit']}")
        extra.append("settings: " + ", ".join(f"[{s}] {k} = {v}" for s, k, v in r["settings"]))
        print(f"* {r['mode']}: " + "; ".join(extra) + ".")


def parse_set(s):
    m = re.fullmatch(r"([a-z_]+)\.([a-z_]+)=(.*)", s)
    if not m:
        raise argparse.ArgumentTypeError("expected SECTION.KEY=VALUE, for example server.log_requests=no")
    return m.group(1), m.group(2), m.group(3)


def main():
    ap = argparse.ArgumentParser(
        description="Submissions of anonymous help requests per second: --insecure-fast-kdf (target "
                    "1,000/s) and production cost against the KDF-bound limit measured in the same run "
                    "(target 90 %). Starts and stops its own instances on 127.0.0.1.",
        epilog="Example: /usr/bin/python3 bench/intake.py --mode both. SAVA_BIN=path measures another binary.")
    ap.add_argument("--mode", choices=("fast", "production", "both"), default="both")
    ap.add_argument("--duration", type=float, default=None,
                    help="measured seconds per mode (default 20 fast, 30 production)")
    ap.add_argument("--concurrency", type=int, default=None,
                    help="keep-alive client connections (default 16 fast, 8 production)")
    ap.add_argument("--attachment-kb", type=int, default=0, help="one attachment of N KiB per submission (default 0)")
    ap.add_argument("--client-procs", type=int, default=0,
                    help="client processes the connections are spread over (default: nproc)")
    ap.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds of load first (default 2)")
    ap.add_argument("--set", type=parse_set, action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="extra sava.conf setting for both instances (repeatable), e.g. server.log_requests=no")
    ap.add_argument("--dir", default=None,
                    help="parent of the temporary instance dir (default $TMPDIR or /tmp); it should be on "
                         "the disk being measured, not tmpfs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary dir (instances, logs)")
    args = ap.parse_args()
    if args.duration is not None and not 0 < args.duration <= 3600:
        ap.error("--duration must be in (0, 3600]")
    if args.concurrency is not None and not 1 <= args.concurrency <= 1000:
        ap.error("--concurrency must be 1..1000")
    if not 0 <= args.attachment_kb <= 1024 * 1024:
        ap.error("--attachment-kb must be 0..1048576")
    if not 0 <= args.warmup <= 600 or args.client_procs < 0:
        ap.error("bad --warmup or --client-procs")
    if not (os.path.isfile(SAVA_BUILT) and os.access(SAVA_BUILT, os.X_OK)):
        sys.exit(f"intake.py: {SAVA_BUILT} is missing; run make first (or set SAVA_BIN)")

    def on_term(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)

    started = datetime.datetime.now(datetime.timezone.utc)
    tmp = tempfile.mkdtemp(prefix="sava-intake-bench.", dir=args.dir)
    machine = machine_info(tmp)
    results = []
    failed = False
    try:
        binary = os.path.join(tmp, "sava")
        shutil.copy2(SAVA_BUILT, binary)      # a rebuild during the run changes nothing here
        with open(binary, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        v = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=CLI_TIMEOUT)
        binary_info = f"{(v.stdout or v.stderr).strip() or '?'}, sha256 {digest[:12]}"
        if machine["fs"] in ("tmpfs", "ramfs"):
            note(f"warning: {tmp} is on {machine['fs']}: fsync is free there, so this does not measure "
                 "durable submissions; use --dir on a real disk")
        modes = ("fast", "production") if args.mode == "both" else (args.mode,)
        for mode in modes:
            try:
                results.append(run_mode(mode, args, binary, tmp, machine))
            except (BenchError, OSError, subprocess.SubprocessError, requests.RequestException) as e:
                failed = True
                note(f"{mode}: FAILED: {e}")
                conc = args.concurrency or DEFAULT_CONCURRENCY[mode]
                results.append({"mode": mode, "concurrency": conc,
                                "procs": max(1, min(conc, args.client_procs or machine["nproc"])),
                                "error": str(e).splitlines()[0][:120] if str(e) else type(e).__name__})
        report(results, args, machine, binary_info, started)
    except KeyboardInterrupt:
        note("interrupted; everything started was stopped")
        return 130
    finally:
        if args.keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
