#!/usr/bin/python3
"""Login throughput against the KDF-bound limit, and memory under a flood.

Starts a fresh PRODUCTION-cost instance (Argon2id 256 MiB, 3 passes: the cost that
matters) on a free loopback port and measures, in one run:
  1. the KDF-bound limit: derivations per second at the same cost with one thread per
     core, timed with PyNaCl (the same libsodium) on this machine;
  2. login attempts per second through the real login path, for DURATION seconds at
     CONCURRENCY clients. Every attempt runs the full derivation whatever its outcome
     (unknown handle, wrong passphrase and wrong code cost the same by design), so
     attempts use fresh unknown handles, which also keeps the per-handle slow-down out
     of the measurement;
  3. a flood of FLOOD simultaneous login attempts: how many were answered, with what
     status, and sava's peak resident memory (VmHWM) against the bound
     kdf_threads x 256 MiB + the idle footprint.
Everything is bounded in count and time, on 127.0.0.1 only, and stops what it starts.
usage: bench/login.py [--duration S] [--concurrency N] [--flood N]
"""
import argparse
import os
import re
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
    sys.exit("login.py needs Debian's python3-nacl and python3-requests "
             "(as root: apt-get install -y python3-nacl python3-requests)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAVA = os.environ.get("SAVA_BIN", os.path.join(ROOT, "build", "sava"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024   # MiB
    return -1


def kdf_rate(cores, n=4):
    """Derivations per second with one thread per core, each doing n in a row (PyNaCl
    releases the GIL), so that memory-bandwidth contention between cores counts too.
    Returns (rate, seconds of one derivation alone)."""
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
    return cores * n / (time.monotonic() - t), one


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--flood", type=int, default=1000)
    args = ap.parse_args()
    cores = os.cpu_count()

    tmp = tempfile.mkdtemp(prefix="sava-login-bench.")
    inst = os.path.join(tmp, "inst")
    subprocess.run([SAVA, "init", inst], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    log = open(os.path.join(tmp, "serve.log"), "wb")
    proc = subprocess.Popen([SAVA, "serve", inst, "--listen", f"127.0.0.1:{port}"], stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/en/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        idle = rss(proc.pid, "VmRSS")

        limit, one = kdf_rate(cores)

        s = requests.Session()
        page = s.get(base + "/en/staff/login", timeout=10)
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        cookie = s.cookies.get("sava_a")

        counts = {}
        lock = threading.Lock()
        stop = time.monotonic() + args.duration
        seq = [0]

        def client():
            c = requests.Session()
            c.cookies.set("sava_a", cookie)
            while time.monotonic() < stop:
                with lock:
                    seq[0] += 1
                    n = seq[0]
                r = c.post(base + "/en/staff/login", timeout=60, allow_redirects=False,
                           data={"csrf": token, "handle": f"bench{n}", "passphrase": "x" * 20, "totp": "000000"})
                with lock:
                    counts[r.status_code] = counts.get(r.status_code, 0) + 1

        t0 = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        done = sum(v for k, v in counts.items() if k == 200)
        rate = done / elapsed

        # The flood: FLOOD connections each send one login at once.
        def flood_request(i):
            # a name of its own each, so that the per-name slow-down never answers early
            body = f"csrf={token}&handle=flood{i}&passphrase={'x' * 20}&totp=000000".encode()
            return (f"POST /en/staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sava_a={cookie}\r\n"
                    f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
                    f"Connection: close\r\n\r\n").encode() + body
        statuses = {}
        flock = threading.Lock()

        def flooder(i):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=120) as c:
                    c.sendall(flood_request(i))
                    data = c.recv(64)
                    st = data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.1 ") else "closed"
            except OSError:
                st = "error"
            with flock:
                statuses[st] = statuses.get(st, 0) + 1

        ft = [threading.Thread(target=flooder, args=(i,)) for i in range(args.flood)]
        t1 = time.monotonic()
        for t in ft:
            t.start()
        for t in ft:
            t.join(180)
        flood_s = time.monotonic() - t1
        peak = rss(proc.pid, "VmHWM")

        print(f"machine: {cores} cores; one Argon2id (256 MiB, 3 passes) alone: {one:.3f} s")
        print(f"KDF-bound limit ({cores} derivations at once, PyNaCl, same libsodium): {limit:.2f} logins/s")
        print(f"sava: {rate:.2f} login attempts/s over {elapsed:.0f} s at {args.concurrency} clients "
              f"({100 * rate / limit:.0f}% of the limit); statuses {counts}")
        print(f"flood of {args.flood} simultaneous attempts: {statuses} in {flood_s:.1f} s")
        print(f"memory: idle {idle} MiB, peak {peak} MiB (bound: 2 x 256 MiB + idle)")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
