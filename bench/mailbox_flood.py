#!/usr/bin/python3
"""What a flood of wrong receipts costs a real requester opening his mailbox (issue 9).

The mailbox takes at most [mailbox] attempts_per_minute receipts a minute for the whole
instance (default 30, burst 10): nobody can be told apart behind Tor, so an attacker who
sends wrong receipts uses up the same allowance as everyone else. This script measures how
much, on a fresh instance of its own:

  flood N     the attacker posts wrong receipts at a steady N a second (open loop: each
              one is sent at its time, whatever the answers), for --duration seconds;
  boundary    the attack of the review: a burst of 40 wrong receipts at the start of every
              minute of the wall clock, for two minutes (--boundary-minutes).

Meanwhile PERSONS requesters (each his own browser: cookie and form token) open the
mailbox with a real receipt, one visit after another, with a pause of PAUSE seconds
(uniform, 15-45 s by default) between visits, so that together they stay well below the
limit (4 persons: about 8 tries a minute of the 30) and what is measured is the flood's
effect, not their own.
A visit is what a person does: post the receipt; when refused (503), wait as long as the
page says ("about N seconds"; "wait a minute", as the page said before issue 9, is 60 s)
and post it again, until he is in (303) or has waited PATIENCE seconds. Reported per
scenario: visits, the share let in at the first try, the share of all tries let in, the
time from the first try to being in (median, 90th percentile, longest), visits that gave
up, and what the attacker got (tries taken, refused, requests sent per second).

The instance: `sava init --insecure-fast-kdf` (the limit does not depend on the cost of a
derivation; a production instance only makes each taken try cost 0.5 s of a core), the
default limits unless --set changes them, log_requests = no, and `sava dev seed` with one
request (it makes the triage key, so help requests are taken); one help request is sent
through the form for the requesters' receipt. sava runs from a copy of the binary, on a
free 127.0.0.1 port, and is stopped by PID (SIGTERM, bounded wait, SIGKILL), also on
errors and Ctrl-C; every request has a timeout; the temporary directory is removed unless
--keep.

usage: bench/mailbox_flood.py [--rates 0,1,5,20,50] [--duration S] [--persons N]
                              [--pause MIN,MAX] [--patience S] [--boundary-minutes N]
                              [--no-boundary]
                              [--set SECTION.KEY=VALUE ...] [--dir PARENT] [--keep]
SAVA_BIN=path measures another binary (for example one built from an older commit).
Needs Debian's python3-requests.
"""
import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

try:
    import requests
except ImportError:
    sys.exit("mailbox_flood.py needs Debian's python3-requests")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAVA_BUILT = os.environ.get("SAVA_BIN", os.path.join(ROOT, "build", "sava"))
START_TIMEOUT = 20        # s: sava starts answering
CLI_TIMEOUT = 120         # s: init, dev seed
STOP_TIMEOUT = 20         # s: after SIGTERM, before SIGKILL
HTTP_TIMEOUT = 30         # s: one request
ATTACK_THREADS = 8        # connections the attacker sends from
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
RECEIPT_RE = re.compile(r'id="receipt"[^>]*>\s*(\d{4}(?: \d{4}){3,4})\s*<')
WAIT_RE = re.compile(r"Try again in about (\d+) seconds")
OLD_WAIT = "Please wait a minute and try again"


def note(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT, **kw)


class Sava:
    """One `sava serve` on a free loopback port; stop() by PID."""

    def __init__(self, binary, inst, log_path):
        self.port = free_port()
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen([binary, "serve", inst, "--listen", f"127.0.0.1:{self.port}"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                requests.get(self.url("/static/sava.css"), timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sava serve did not start (see {log_path})")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Browser:
    """One visitor: his own cookie and form token, one keep-alive connection."""

    def __init__(self, sava):
        self.sava = sava
        self.s = requests.Session()
        r = self.s.get(sava.url("/en/mailbox"), timeout=HTTP_TIMEOUT)
        self.token = CSRF_RE.search(r.text).group(1)

    def open(self, receipt):
        return self.s.post(self.sava.url("/en/mailbox"), data={"csrf": self.token, "receipt": receipt},
                           allow_redirects=False, timeout=HTTP_TIMEOUT)

    def leave(self):
        r = self.s.get(self.sava.url("/en/mailbox"), timeout=HTTP_TIMEOUT)
        m = CSRF_RE.search(r.text)
        if m:
            self.s.post(self.sava.url("/en/mailbox/leave"), data={"csrf": m.group(1)}, allow_redirects=False,
                        timeout=HTTP_TIMEOUT)


def wrong_receipt():
    return " ".join(f"{secrets.randbelow(10**4):04d}" for _ in range(4))


def told_wait(r):
    """How long the page tells a refused person to wait, in seconds (as a person reads it)."""
    m = WAIT_RE.search(r.text)
    if m:
        return int(m.group(1))
    if OLD_WAIT in r.text:
        return 60
    ra = r.headers.get("Retry-After", "")
    return int(ra) if ra.isdigit() else 60


class Attacker:
    """Wrong receipts: at rate a second (open loop), or bursts of 40 at each minute."""

    def __init__(self, sava, rate=0.0, boundary=False):
        self.sava, self.rate, self.boundary = sava, rate, boundary
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = {}
        self.sent = 0
        self.late = 0
        self.next_i = 0
        self.t0 = None
        self.threads = []

    def _count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.sent += 1

    def _send(self, b):
        try:
            self._count(b.open(wrong_receipt()).status_code)
        except requests.RequestException:
            self._count("error")

    def _steady(self, b):
        while not self.stop.is_set():
            with self.lock:
                i = self.next_i
                self.next_i += 1
            at = self.t0 + i / self.rate
            left = at - time.monotonic()
            if left > 0:
                if self.stop.wait(left):
                    return
            elif left < -0.1:
                with self.lock:
                    self.late += 1
            self._send(b)

    def _bursts(self, b, share):
        while not self.stop.is_set():
            left = 60 - time.time() % 60
            if self.stop.wait(left + 0.05):
                return
            for _ in range(share):
                self._send(b)

    def start(self):
        if self.rate <= 0 and not self.boundary:
            return
        n = ATTACK_THREADS
        browsers = [Browser(self.sava) for _ in range(n)]
        self.t0 = time.monotonic()
        for k, b in enumerate(browsers):
            target = (lambda b=b: self._bursts(b, 40 // n + (1 if k < 40 % n else 0))) if self.boundary \
                else (lambda b=b: self._steady(b))
            th = threading.Thread(target=target, daemon=True)
            th.start()
            self.threads.append(th)

    def finish(self):
        self.stop.set()
        for th in self.threads:
            th.join(HTTP_TIMEOUT + 5)


class Person:
    """A requester who visits his mailbox again and again (see the module's comment)."""

    def __init__(self, sava, receipt, patience, pause, seed):
        self.sava, self.receipt, self.patience, self.pause = sava, receipt, patience, pause
        self.rng = random.Random(seed)
        self.visits = []      # (tries, seconds to get in or None when he gave up)
        self.tries = 0
        self.tries_in = 0
        self.stop = threading.Event()
        self.errors = 0

    def visit(self, b):
        first = time.monotonic()
        tries = 0
        while True:
            tries += 1
            self.tries += 1
            try:
                r = b.open(self.receipt)
            except requests.RequestException:
                self.errors += 1
                return tries, None
            if r.status_code == 303:
                self.tries_in += 1
                b.leave()
                return tries, time.monotonic() - first
            if r.status_code != 503:
                self.errors += 1
                return tries, None
            wait = told_wait(r)
            if time.monotonic() + wait - first > self.patience:
                return tries, None
            if self.stop.wait(wait):
                return tries, None

    def loop(self, end):
        b = Browser(self.sava)
        if self.stop.wait(self.rng.uniform(0, self.pause[1])):   # the persons do not come in step
            return
        while not self.stop.is_set() and time.monotonic() < end:
            self.visits.append(self.visit(b))
            if self.stop.wait(self.rng.uniform(*self.pause)):
                return


def scenario(sava, receipt, name, rate, boundary, duration, persons, patience, pause):
    note(f"{name}: {duration:.0f} s")
    atk = Attacker(sava, rate, boundary)
    people = [Person(sava, receipt, patience, pause, seed=i) for i in range(persons)]
    atk.start()
    time.sleep(min(2.0, duration / 10) if not boundary else 0)   # the flood is on when they come
    end = time.monotonic() + duration
    threads = [threading.Thread(target=p.loop, args=(end,), daemon=True) for p in people]
    for th in threads:
        th.start()
    for th in threads:
        th.join(max(0.0, end + patience + 2 * HTTP_TIMEOUT - time.monotonic()))
    for p in people:
        p.stop.set()
    atk.finish()
    spent = time.monotonic() - (end - duration)
    visits = [v for p in people for v in p.visits]
    took = sorted(t for _, t in visits if t is not None)
    tries = sum(p.tries for p in people)
    return {
        "name": name, "visits": len(visits),
        "first": sum(1 for n, t in visits if n == 1 and t is not None),
        "in": len(took), "gave_up": sum(1 for _, t in visits if t is None),
        "tries": tries, "tries_in": sum(p.tries_in for p in people),
        "p50": statistics.median(took) if took else None,
        "p90": took[min(len(took) - 1, int(0.9 * len(took)))] if took else None,
        "max": took[-1] if took else None,
        "atk_sent": atk.sent, "atk_taken": atk.statuses.get(200, 0), "atk_refused": atk.statuses.get(503, 0),
        "atk_other": atk.sent - atk.statuses.get(200, 0) - atk.statuses.get(503, 0),
        "atk_rate": atk.sent / spent if spent > 0 else 0, "atk_late": atk.late,
        "errors": sum(p.errors for p in people),
    }


def pct(a, b):
    return f"{100.0 * a / b:.0f} %" if b else "-"


def sec(x):
    return "-" if x is None else f"{x:.1f} s"


def report(results, args, binary, started):
    print(f"\nbinary: {binary} ({started}); {args.persons} persons, a visit every {args.pause} s each, "
          f"patience {args.patience:.0f} s; {args.duration:.0f} s per rate; limits: {args.limits}")
    print("\n| attack | visits | in at the first try | tries let in | time to get in: median | p90 | longest "
          "| gave up | attacker: sent/s | taken | refused |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['visits']} | {pct(r['first'], r['visits'])} | {pct(r['tries_in'], r['tries'])} "
              f"| {sec(r['p50'])} | {sec(r['p90'])} | {sec(r['max'])} | {r['gave_up']} | {r['atk_rate']:.1f} "
              f"| {r['atk_taken']} | {r['atk_refused']} |")
    bad = [r for r in results if r["errors"] or r["atk_other"]]
    for r in bad:
        print(f"\n{r['name']}: {r['errors']} requester errors, {r['atk_other']} attacker answers neither 200 nor 503")
    late = [f"{r['name']}: {r['atk_late']}" for r in results if r["atk_late"]]
    if late:
        print("\nattacker requests sent more than 0.1 s late (the client could not keep up): " + ", ".join(late))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rates", default="0,1,5,20,50", help="attacker requests a second, comma-separated")
    ap.add_argument("--duration", type=float, default=120.0, help="seconds per rate")
    ap.add_argument("--persons", type=int, default=4)
    ap.add_argument("--pause", default="15,45", help="seconds between a person's visits: MIN,MAX")
    ap.add_argument("--patience", type=float, default=120.0)
    ap.add_argument("--boundary-minutes", type=int, default=2)
    ap.add_argument("--no-boundary", action="store_true")
    ap.add_argument("--set", action="append", default=[], help="SECTION.KEY=VALUE in sava.conf")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rates = [float(x) for x in args.rates.split(",") if x.strip()]
    args.pause_s = tuple(float(x) for x in args.pause.split(","))
    if any(r < 0 or r > 200 for r in rates) or args.duration <= 0 or args.duration > 600 or \
            not 1 <= args.persons <= 20 or not 0 < args.patience <= 600 or not 1 <= args.boundary_minutes <= 5 or \
            len(args.pause_s) != 2 or not 0 <= args.pause_s[0] <= args.pause_s[1] <= 600:
        sys.exit("out of bounds: rates 0-200/s, duration up to 600 s, 1-20 persons, patience up to 600 s, "
                 "1-5 boundary minutes")
    tmp = tempfile.mkdtemp(prefix="sava-mailbox-flood-", dir=args.dir)
    sava = None
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        binary = os.path.join(tmp, "sava")
        shutil.copy2(SAVA_BUILT, binary)
        inst = os.path.join(tmp, "inst")
        r = run([binary, "init", "--insecure-fast-kdf", inst])
        if r.returncode != 0:
            sys.exit(f"sava init failed: {r.stderr}")
        with open(os.path.join(inst, "sava.conf"), "a") as f:
            f.write("\n[server]\nlog_requests = no\n")
        sets = {}
        for s in args.set:
            key, _, value = s.partition("=")
            section, _, name = key.partition(".")
            sets.setdefault(section, []).append(f"{name} = {value}")
        with open(os.path.join(inst, "sava.conf"), "a") as f:
            for section, lines in sets.items():
                f.write(f"\n[{section}]\n" + "\n".join(lines) + "\n")
        args.limits = ", ".join(args.set) or "the defaults"
        r = run([binary, "dev", "seed", inst, "--accounts", "2", "--cases", "1", "--messages", "1"])
        if r.returncode != 0:
            sys.exit(f"sava dev seed failed: {r.stderr}")
        sava = Sava(binary, inst, os.path.join(tmp, "sava.log"))
        s = requests.Session()
        page = s.get(sava.url("/en/help"), timeout=HTTP_TIMEOUT)
        form = {"csrf": (None, CSRF_RE.search(page.text).group(1)), "message": (None, "I need help, " * 5),
                "situation": (None, "notice"), "region": (None, "undisclosed"), "contact": (None, "")}
        r = s.post(sava.url("/en/help"), files=form, timeout=HTTP_TIMEOUT)
        m = RECEIPT_RE.search(r.text)
        if r.status_code != 200 or not m:
            sys.exit(f"the help form gave no receipt ({r.status_code})")
        receipt = m.group(1)
        time.sleep(5)      # the bucket refills after the seed's and the form's own use
        results = []
        for rate in rates:
            name = "none" if rate == 0 else f"{rate:g} wrong receipts/s"
            results.append(scenario(sava, receipt, name, rate, False, args.duration, args.persons, args.patience,
                                    args.pause_s))
            time.sleep(30)  # full again before the next
        if not args.no_boundary:
            left = 60 - time.time() % 60
            time.sleep(left - 1 if left > 1 else left + 59)
            results.append(scenario(sava, receipt, "40 at each minute boundary", 0, True,
                                    60.0 * args.boundary_minutes, args.persons, args.patience, args.pause_s))
        report(results, args, SAVA_BUILT, started)
    finally:
        if sava:
            sava.stop()
        if args.keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
