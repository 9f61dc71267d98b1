#!/usr/bin/python3
"""Reach (issue 13, security review): does a large import keep help requests waiting?

An import is checked whole first and then written in parts of 2,000 counts, each its own
short transaction (src/domain/reach.c, REACH_IMPORT_PART), so that another writer (a
help request) never waits for the whole file; SQLite's busy timeout is 5 s, so a writer
kept waiting longer than that fails.

In one run, in a temp folder (deleted unless --keep), on 127.0.0.1 only:
  1. a test instance (`--insecure-fast-kdf`, `[intake] per_minute = 0`, `untriaged_max = 0`)
     served by `sava serve`, a coordinator enrolled and logged in (so requests are taken);
  2. a generic CSV of --rows daily counts (posts x 20 days);
  3. the reference: --ref help requests sent one after another with no import running,
     each timed from the first byte sent to the receipt page;
  4. `sava reach import DIR FILE` started, and help requests sent one after another for as
     long as it runs, each timed the same way; the import timed from start to exit.
Reported as Markdown for bench/README.md: the import's time, how many help requests went
through during it (and how many failed), their median and largest time, the reference's.

usage: /usr/bin/python3 bench/reach_lock.py [--rows 200000] [--ref 30] [--keep]
       SAVA_BIN=/path/to/sava ... (default: build/sava of this checkout)
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
os.environ.setdefault("SAVA_BIN", str(REPO / "build" / "sava"))

from conftest import SAVA_BIN, _teardown, start_instance  # noqa: E402
from intake_util import Requester, coordinator  # noqa: E402


def note(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def one_help(inst):
    visitor = Requester(inst)
    visitor.help_page()
    t0 = time.monotonic()
    r = visitor.submit("I was called up for Monday; what can I do?")
    dt = time.monotonic() - t0
    return dt, r.status_code == 200 and 'id="receipt"' in r.text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--ref", type=int, default=30)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sava-reach-lock-"))
    inst = None
    try:
        inst = start_instance(tmp / "i", conf={("intake", "per_minute"): "0", ("intake", "untriaged_max"): "0"},
                              fast=True)
        coordinator(inst)
        posts = max(1, args.rows // 20)
        big = tmp / "big.csv"
        with open(big, "w") as f:
            f.write("platform,post_id,url,title,published_at,measured_on,views,period\n")
            for d in range(20):
                for p in range(posts):
                    f.write(f"vk,p{p},,,,2026-03-{d + 1:02d},{(p * 7 + d) % 5000},day\n")
        note(f"file: {posts * 20} rows, {big.stat().st_size >> 20} MiB")
        ref = []
        for _ in range(args.ref):
            dt, ok = one_help(inst)
            if not ok:
                raise SystemExit("a reference help request failed")
            ref.append(dt)
        note("import, with help requests meanwhile")
        t0 = time.monotonic()
        proc = subprocess.Popen([str(SAVA_BIN), "reach", "import", str(inst.dir), str(big)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        during, failed = [], 0
        while proc.poll() is None:
            dt, ok = one_help(inst)   # begun while the import ran
            during.append(dt)
            failed += 0 if ok else 1
        out, err = proc.communicate()
        took = time.monotonic() - t0
        if proc.returncode != 0:
            raise SystemExit(f"the import failed: {err}")
        note(out.strip())
        print(f"| machine | {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} |")
        print("| --- | --- |")
        print(f"| import of {posts * 20:,} rows | {took:.1f} s |")
        print(f"| help requests during it | {len(during)}, of which {failed} failed |")
        if during:
            print(f"| their median / largest | {statistics.median(during) * 1000:.0f} ms / "
                  f"{max(during) * 1000:.0f} ms |")
        print(f"| reference, no import: median / largest of {len(ref)} | "
              f"{statistics.median(ref) * 1000:.0f} ms / {max(ref) * 1000:.0f} ms |")
    finally:
        if inst:
            _teardown(inst)
        if args.keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
