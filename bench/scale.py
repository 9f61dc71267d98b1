#!/usr/bin/python3
"""Case work at scale: "My cases", the case page and the roster under wrk, on an instance
filled by `sava dev seed` (issue 5: 20,000 accounts, 100,000 requests, 2,000,000 messages;
target p99 under 50 ms on this machine).

Everything on 127.0.0.1; the instance lives in a temporary directory on disk (not tmpfs:
the case page writes an audit entry, with fsync, on every view), and is removed at the end
unless --keep. sava is stopped by its PID.

usage: bench/scale.py [--accounts N] [--cases N] [--messages N] [--duration S]
                      [--connections N] [--dir PARENT] [--keep]
"""
import argparse
import base64
import hashlib
import hmac
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

try:
    import requests
except ImportError:
    sys.exit("scale.py needs Debian's python3-requests")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAVA = os.environ.get("SAVA_BIN", os.path.join(ROOT, "build", "sava"))


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    h = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((int.from_bytes(h[o:o + 4], "big") & 0x7FFFFFFF) % 1000000)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(base, handle, passphrase, secret):
    s = requests.Session()
    r = s.get(base + "/en/staff/login", timeout=10)
    code = totp(secret, int(time.time()) // 30)
    r = s.post(base + "/en/staff/login", allow_redirects=False, timeout=60,
               data={"csrf": csrf(r.text), "handle": handle, "passphrase": passphrase, "totp": code})
    if r.status_code != 303:
        sys.exit(f"login of {handle} failed: {r.status_code}")
    return s


def wrk(url, cookie, duration, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"Cookie: {cookie}",
                          url], capture_output=True, text=True, timeout=duration + 60).stdout
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M))
    rps = re.search(r"Requests/sec:\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50": lat.get("50"), "p99": lat.get("99"), "rps": rps.group(1) if rps else "?",
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=20000)
    ap.add_argument("--cases", type=int, default=100000)
    ap.add_argument("--messages", type=int, default=2000000)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--instance", default=None,
                    help="an instance seeded by an earlier run with --keep: measure it again, no new seed")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("scale.py needs wrk (apt-get install wrk)")
    parent = os.path.dirname(os.path.abspath(args.instance)) if args.instance else \
        tempfile.mkdtemp(prefix="sava-scale-", dir=args.dir)
    inst = os.path.abspath(args.instance) if args.instance else os.path.join(parent, "inst")
    report = os.path.join(parent, "seed-report.txt")
    proc = None
    try:
        if args.instance:
            seed_out, seed_s = open(report).read(), float("nan")
        else:
            subprocess.run([SAVA, "init", "--insecure-fast-kdf", inst], check=True, capture_output=True, timeout=60)
            with open(os.path.join(inst, "sava.conf"), "a") as f:
                f.write("\n[server]\nlog_requests = no\n")
            t = time.monotonic()
            seed = subprocess.run([SAVA, "dev", "seed", inst, "--accounts", str(args.accounts), "--cases",
                                   str(args.cases), "--messages", str(args.messages)],
                                  capture_output=True, text=True, timeout=4 * 3600)
            seed_s = time.monotonic() - t
            if seed.returncode != 0:
                sys.exit(f"seed failed: {seed.stderr}")
            seed_out = seed.stdout
            with open(report, "w") as f:   # a test instance's secrets, next to it, for --instance
                f.write(seed_out + f"seconds: {seed_s:.0f}\n")
        m = re.search(r"^seconds: (\S+)$", seed_out, re.M)
        if m:
            seed_s = float(m.group(1))
        passphrase = re.search(r"^passphrase: (.*)$", seed_out, re.M).group(1)
        coord_totp = re.search(r"^totp seed-coordinator: (\S+)$", seed_out, re.M).group(1)
        owl_totp = re.search(r"^totp owl00001: (\S+)$", seed_out, re.M).group(1)
        db_mb = os.path.getsize(os.path.join(inst, "sava.db")) / 2**20
        kf_mb = os.path.getsize(os.path.join(inst, "keys", "shred.kf")) / 2**20
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([SAVA, "serve", inst, "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/", timeout=2, allow_redirects=False).status_code:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        owl = login(base, "owl00001", passphrase, owl_totp)
        time.sleep(max(0, 31 - time.time() % 30))   # a fresh TOTP step for the second login
        coord = login(base, "seed-coordinator", passphrase, coord_totp)
        cases = owl.get(base + "/en/staff/cases", timeout=30).text
        rid = re.search(r"/staff/requests/([0-9a-f]{32})", cases).group(1)
        owl_cookie = "; ".join(f"{c.name}={c.value}" for c in owl.cookies)
        coord_cookie = "; ".join(f"{c.name}={c.value}" for c in coord.cookies)
        page = owl.get(base + f"/en/staff/requests/{rid}", timeout=30).text
        nmsgs = page.count('<article class="message')
        runs = [
            ("My cases (an Owl)", base + "/en/staff/cases", owl_cookie),
            ("case page (an Owl's case, %d messages)" % nmsgs, base + f"/en/staff/requests/{rid}", owl_cookie),
            ("roster, page 1", base + "/en/staff/accounts", coord_cookie),
            ("roster, page 200", base + "/en/staff/accounts?page=200", coord_cookie),
            ("roster, filtered (en, with room)", base + "/en/staff/accounts?lang=en&free=1", coord_cookie),
            ("My cases + board (coordinator)", base + "/en/staff/cases", coord_cookie),
            ("triage queue", base + "/en/staff/requests", coord_cookie),
        ]
        results = [(name, wrk(url, cookie, args.duration, args.connections)) for name, url, cookie in runs]
        cpu = open("/proc/cpuinfo").read()
        model = re.search(r"model name\s*:\s*(.*)", cpu)
        print(f"### Case work at scale ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
        print(f"Command: `/usr/bin/python3 bench/scale.py " + " ".join(sys.argv[1:]) + "`\n")
        print(f"Machine: {os.cpu_count()} CPUs, {model.group(1) if model else '?'}; wrk -t2 -c{args.connections} "
              f"-d{args.duration}s --latency; sava threads = 2, log_requests = no\n")
        print(f"Seed: {args.accounts:,} accounts, {args.cases:,} requests, {args.messages:,} messages in "
              f"{seed_s:.0f} s; sava.db {db_mb:,.0f} MiB, shred.kf {kf_mb:,.1f} MiB\n")
        print("| page | req/s | p50 | p99 | non-2xx |")
        print("|---|---:|---:|---:|---:|")
        for name, r in results:
            print(f"| {name} | {r['rps']} | {r['p50']} | {r['p99']} | {r['non2xx']} |")
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep and not args.instance:
            shutil.rmtree(parent, ignore_errors=True)
        else:
            print(f"kept {parent}")


if __name__ == "__main__":
    main()
