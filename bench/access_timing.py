#!/usr/bin/python3
"""Does "not yours" take longer than "does not exist"? (issue 9)

An Owl who asks for a request, a file or a form of a case that is not hers gets the same
404, byte for byte, as for an id that names nothing (DESIGN.md, promise 2). The review
measured that a real case of someone else answered 50-75 us slower (medians of 400): an Owl
could have told which ids exist. This script measures that difference on a fresh instance
of its own, for the staff routes that take a case or a file:

  GET  /en/staff/requests/{id}            the request's page
  POST /en/staff/requests/{id}/note       a note (csrf, note)
  POST /en/staff/requests/{id}/stage      a stage move (csrf, from 0, to 1)
  GET  /staff/files/{id}                  a file

each with the id of a request (or file) of another Owl's case ("someone else's") and a
random id ("none"), as owl00001 of `sava dev seed`. For each route: WARMUP unmeasured
pairs, then PAIRS measured pairs; in each pair both ids are asked once, in a random order,
on one keep-alive connection (http.client), so that a drift of the machine touches both
alike. A request is timed from before its bytes are sent to after the whole answer is
read (time.perf_counter_ns). Reported: median and quartiles of each, the difference of
the medians, and a bootstrap 95 % interval of that difference; every answer must be 404,
and the two bodies identical.

The instance: `sava init --insecure-fast-kdf`, log_requests = no, `sava dev seed` (6
accounts, 30 requests, most assigned to Owls), plus one help request with a file sent
through the form (sealed to triage: owl00001 cannot open it). sava runs from a copy of the
binary on a free 127.0.0.1 port and is stopped by PID (SIGTERM, bounded wait, SIGKILL),
also on errors; nothing is written by the measured requests (every one is refused); the
temporary directory is removed unless --keep. Run it on a quiet machine: the figures are
tens of microseconds.

usage: bench/access_timing.py [--pairs N] [--warmup N] [--dir PARENT] [--keep]
SAVA_BIN=path measures another binary (for example one built before a change).
Needs Debian's python3-requests.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import requests
except ImportError:
    sys.exit("access_timing.py needs Debian's python3-requests")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAVA_BUILT = os.environ.get("SAVA_BIN", os.path.join(ROOT, "build", "sava"))
CLI_TIMEOUT = 300
START_TIMEOUT = 20
STOP_TIMEOUT = 20
HTTP_TIMEOUT = 10
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def note(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    h = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((int.from_bytes(h[o:o + 4], "big") & 0x7FFFFFFF) % 1000000)


def run(args):
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT)


def median_ci(a, b, rounds=2000, seed=1):
    """A bootstrap 95 % interval of median(a) - median(b)."""
    rng = random.Random(seed)
    d = []
    for _ in range(rounds):
        d.append(statistics.median(rng.choices(a, k=len(a))) - statistics.median(rng.choices(b, k=len(b))))
    d.sort()
    return d[int(0.025 * rounds)], d[int(0.975 * rounds) - 1]


def quartiles(v):
    q = statistics.quantiles(v, n=4)
    return q[0], statistics.median(v), q[2]


def measure(conn, method, path, body, headers):
    h = dict(headers)
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Content-Length"] = str(len(body))
    t = time.perf_counter_ns()
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return (time.perf_counter_ns() - t) / 1000.0, r.status, data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=800)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not 10 <= args.pairs <= 20000 or not 0 <= args.warmup <= 5000:
        sys.exit("out of bounds: 10-20000 pairs, 0-5000 warm-up pairs")
    tmp = tempfile.mkdtemp(prefix="sava-access-timing-", dir=args.dir)
    proc = None
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        binary = os.path.join(tmp, "sava")
        shutil.copy2(SAVA_BUILT, binary)
        inst = os.path.join(tmp, "inst")
        if run([binary, "init", "--insecure-fast-kdf", inst]).returncode != 0:
            sys.exit("sava init failed")
        with open(os.path.join(inst, "sava.conf"), "a") as f:
            f.write("\n[server]\nlog_requests = no\n")
        seed = run([binary, "dev", "seed", inst, "--accounts", "6", "--cases", "30", "--messages", "60"])
        if seed.returncode != 0:
            sys.exit(f"sava dev seed failed: {seed.stderr}")
        passphrase = re.search(r"^passphrase: (.*)$", seed.stdout, re.M).group(1)
        owl_totp = re.search(r"^totp owl00001: (\S+)$", seed.stdout, re.M).group(1)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([binary, "serve", inst, "--listen", f"127.0.0.1:{port}"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                requests.get(base + "/static/sava.css", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    sys.exit("sava serve did not start")
                time.sleep(0.1)
        # a request with a file, sealed to triage only
        s = requests.Session()
        page = s.get(base + "/en/help", timeout=HTTP_TIMEOUT)
        r = s.post(base + "/en/help", timeout=HTTP_TIMEOUT, files={
            "csrf": (None, CSRF_RE.search(page.text).group(1)), "message": (None, "with a file"),
            "situation": (None, ""), "region": (None, ""), "contact": (None, ""),
            "attachment": ("scan.bin", os.urandom(2000), "application/octet-stream")})
        if r.status_code != 200:
            sys.exit(f"the help form answered {r.status_code}")
        owl = requests.Session()
        page = owl.get(base + "/en/staff/login", timeout=HTTP_TIMEOUT)
        r = owl.post(base + "/en/staff/login", allow_redirects=False, timeout=60, data={
            "csrf": CSRF_RE.search(page.text).group(1), "handle": "owl00001", "passphrase": passphrase,
            "totp": totp(owl_totp, int(time.time()) // 30)})
        if r.status_code != 303:
            sys.exit(f"the login of owl00001 answered {r.status_code}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in owl.cookies)
        token = CSRF_RE.search(owl.get(base + "/en/staff/sessions", timeout=HTTP_TIMEOUT).text).group(1)
        db = sqlite3.connect(f"file:{os.path.join(inst, 'sava.db')}?mode=ro", uri=True)
        try:
            me = db.execute("SELECT id FROM accounts WHERE handle = 'owl00001'").fetchone()[0]
            other = db.execute("SELECT lower(hex(id)) FROM cases WHERE assignee IS NOT NULL AND assignee != ? "
                               "AND stage = 1 LIMIT 1", (me,)).fetchone()[0]
            other_file = db.execute("SELECT lower(hex(id)) FROM attachments LIMIT 1").fetchone()[0]
            mine = db.execute("SELECT count(*) FROM cases WHERE assignee = ?", (me,)).fetchone()[0]
        finally:
            db.close()
        note(f"owl00001 holds {mine} requests; someone else's: {other}; file {other_file}")
        none_id, none_file = os.urandom(16).hex(), os.urandom(16).hex()
        form = f"csrf={token}&note=a+note".encode()
        stage = f"csrf={token}&from=0&to=1".encode()
        routes = [
            ("GET /en/staff/requests/{id}", "GET", "/en/staff/requests/{}", None, other, none_id),
            ("POST /en/staff/requests/{id}/note", "POST", "/en/staff/requests/{}/note", form, other, none_id),
            ("POST /en/staff/requests/{id}/stage", "POST", "/en/staff/requests/{}/stage", stage, other, none_id),
            ("GET /staff/files/{id}", "GET", "/staff/files/{}", None, other_file, none_file),
        ]
        headers = {"Cookie": cookie, "Host": f"127.0.0.1:{port}"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        rng = random.Random(7)
        results = []
        for name, method, path, body, real, absent in routes:
            note(f"{name}: {args.warmup} + {args.pairs} pairs")
            times = {"theirs": [], "none": []}
            bodies = {}
            for i in range(args.warmup + args.pairs):
                order = [("theirs", real), ("none", absent)]
                rng.shuffle(order)
                for which, ident in order:
                    us, status, data = measure(conn, method, path.format(ident), body, headers)
                    if status != 404:
                        sys.exit(f"{name} ({which}) answered {status}, not 404")
                    bodies.setdefault(which, data)
                    if i >= args.warmup:
                        times[which].append(us)
            same = bodies["theirs"] == bodies["none"]
            lo, hi = median_ci(times["theirs"], times["none"])
            results.append((name, quartiles(times["theirs"]), quartiles(times["none"]), lo, hi, same))
        conn.close()
        print(f"\nbinary: {SAVA_BUILT} ({started}); {args.pairs} pairs per route after {args.warmup} "
              f"unmeasured; as owl00001, microseconds")
        print("\n| route | someone else's: median (quartiles) | none: median (quartiles) | difference of "
              "medians (95 % interval) | same bytes |")
        print("|---|---:|---:|---:|:---:|")
        for name, t, n, lo, hi, same in results:
            print(f"| `{name}` | {t[1]:.0f} ({t[0]:.0f}-{t[2]:.0f}) | {n[1]:.0f} ({n[0]:.0f}-{n[2]:.0f}) "
                  f"| **{t[1] - n[1]:+.1f}** ({lo:+.1f} to {hi:+.1f}) | {'yes' if same else 'NO'} |")
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if args.keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
