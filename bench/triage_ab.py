#!/usr/bin/python3
"""The triage queue, one build against another, on the same seeded data: both `sava serve`
processes run side by side (each on its own copy of an instance that bench/scale.py seeded
and kept), and wrk measures the queue page of each in turn, for several alternating short
rounds, so that what the machine's neighbours do falls on both alike. Prints each round
and the medians.

usage: bench/triage_ab.py --a-bin OLD --a-instance DIR_A --b-bin NEW --b-instance DIR_B
                          [--rounds 6] [--duration 10] [--connections 8]
Each instance's parent folder holds the seed-report.txt of `bench/scale.py --keep`. The two
may be copies of one instance (an older build may need the copy's database at its own
schema version: see bench/README.md). Everything on 127.0.0.1; both servers are stopped by
their PIDs at the end.
"""
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402  (login, wrk, free_port: the same measurement as scale.py)

import requests  # noqa: E402


def start(binary, inst):
    port = scale.free_port()
    proc = subprocess.Popen([binary, "serve", inst, "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/", timeout=2, allow_redirects=False)
            return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    sys.exit(f"{binary} did not start on {inst}")


def coordinator_cookie(base, inst):
    report = open(os.path.join(os.path.dirname(os.path.abspath(inst)), "seed-report.txt")).read()
    passphrase = re.search(r"^passphrase: (.*)$", report, re.M).group(1)
    secret = re.search(r"^totp seed-coordinator: (\S+)$", report, re.M).group(1)
    s = scale.login(base, "seed-coordinator", passphrase, secret)
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a-bin", required=True)
    ap.add_argument("--a-instance", required=True)
    ap.add_argument("--b-bin", required=True)
    ap.add_argument("--b-instance", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    procs = []
    try:
        a, base_a = start(args.a_bin, args.a_instance)
        procs.append(a)
        b, base_b = start(args.b_bin, args.b_instance)
        procs.append(b)
        # the same account on two copies: one login each, in one TOTP step each copy's own
        ca = coordinator_cookie(base_a, args.a_instance)
        cb = coordinator_cookie(base_b, args.b_instance)
        rows = {"A": [], "B": []}
        print("| round | build | req/s | p50 | p99 |\n|---:|---|---:|---:|---:|")
        for i in range(args.rounds):
            order = [("A", base_a, ca), ("B", base_b, cb)] if i % 2 == 0 else [("B", base_b, cb), ("A", base_a, ca)]
            for name, base, cookie in order:
                r = scale.wrk(base + "/en/staff/requests", cookie, args.duration, args.connections)
                rows[name].append(r)
                print(f"| {i + 1} | {name} | {r['rps']} | {r['p50']} | {r['p99']} |", flush=True)

        def ms(v):
            return float(v[:-2]) if v.endswith("ms") else float(v[:-1]) * 1000 if v.endswith("s") else float("nan")
        print()
        for name in ("A", "B"):
            rps = statistics.median(float(r["rps"]) for r in rows[name])
            p50 = statistics.median(ms(r["p50"]) for r in rows[name])
            p99 = statistics.median(ms(r["p99"]) for r in rows[name])
            print(f"{name}: median req/s {rps:.1f}, median p50 {p50:.2f} ms, median p99 {p99:.2f} ms")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
