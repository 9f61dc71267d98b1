#!/usr/bin/python3
"""Reach (issue 13): importing a 100,000-row YouTube "Chart data.csv", and the campaign
dashboard's latency with 1,000 appeals, 10,000 posts and 2 million snapshots.

The issue's requirement: *import a 100,000-row YouTube Chart data.csv; dashboard p99 with
1,000 appeals, 10,000 posts and 2 million snapshots, target under 50 ms on this machine.*

In one run, in a temp folder (deleted unless --keep), on 127.0.0.1 only:
  import
    1. writes a Chart data.csv of 100,000 rows (500 videos x 200 days, English header);
    2. the references: `wc -l` of the file, and Python's csv module reading it and
       summing the views (the least any reader of the file does);
    3. --runs times: a new test instance (`sava init --insecure-fast-kdf`), then
       `sava reach import DIR FILE`, timed from start to exit (parsing, one transaction
       with its fsync, the aggregates of 500 posts); then the same file again into the same
       instance (every row already known);
  dashboard
    4. a new instance; an SQL step makes 10,000 posts on 8 platforms, linked to 1,000
       appeals (10 posts each), each with a subtitle language (what editors would have
       registered); then the real import of 20 generic CSV files of 100,000 rows each
       (each post gets 200 lifetime counts, one a day from 2026-01-05), each import timed
       (the database grows to 2 million snapshots meanwhile);
    5. (the dashboard groups by platform, appeal and language through what the imports
       kept);
    6. `sava serve` (a copy of the binary), a viewer enrolled and logged in; 20 unmeasured
       requests, then --requests GETs of /en/staff/campaign, one at a time, each timed from
       the request to the whole answer; the reference: as many GETs of /en/staff/ (the
       staff home: the same session check and layout, no reach query) in the same run,
       interleaved with them.
Reported as Markdown for bench/README.md.

usage: /usr/bin/python3 bench/reach.py [--dir DIR] [--runs 3] [--requests 500] [--keep] [--skip-import]
       SAVA_BIN=/path/to/sava ... (default: build/sava of this checkout)
"""
import argparse
import csv
import datetime
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def note(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed(args, timeout=600):
    t0 = time.monotonic()
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        raise SystemExit(f"{args[:3]} failed ({r.returncode}): {r.stderr}")
    return dt, r.stdout


def write_chart(path, videos=500, days=200):
    rnd = random.Random(1)
    d0 = datetime.date(2026, 3, 1)
    with open(path, "w", newline="") as f:
        f.write("Date,Content,Video title,Video publish time,Duration,Views\n")
        for day in range(days):
            d = (d0 + datetime.timedelta(days=day)).isoformat()
            for v in range(videos):
                vid = f"v{v:09d}x" if v % 7 else f" -{v:09d}"   # the leading-space quirk too
                f.write(f'{d},{vid},"Appeal {v}, please share","Mar 1, 2026",40,{rnd.randint(0, 5000)}\n')


def python_csv_sum(path):
    total = 0
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            total += int(row[5])
    return total


PLATFORMS = ["youtube", "tiktok", "instagram", "facebook", "telegram", "vk", "x", "other"]


def write_generic(path, first_post, posts, days=200):
    rnd = random.Random(first_post)
    d0 = datetime.date(2026, 1, 5)
    with open(path, "w", newline="") as f:
        f.write("platform,post_id,url,title,published_at,measured_on,views,period\n")
        views = {p: 0 for p in range(first_post, first_post + posts)}
        for day in range(days):
            d = (d0 + datetime.timedelta(days=day)).isoformat()
            for p in range(first_post, first_post + posts):
                views[p] += rnd.randint(0, 400)
                plat = PLATFORMS[p % len(PLATFORMS)]
                f.write(f"{plat},p{p},https://example.org/{plat}/{p},Appeal,2026-01-05,{d},{views[p]},lifetime\n")


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    args = ap.parse_args()
    src_bin = Path(os.environ.get("SAVA_BIN", REPO / "build" / "sava")).resolve()
    root = Path(tempfile.mkdtemp(prefix="sava-reach-bench-", dir=args.dir))
    binary = root / "sava"
    shutil.copy2(src_bin, binary)
    os.environ["SAVA_BIN"] = str(binary)
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    from conftest import start_instance, stop_process
    from intake_util import Staff

    started = datetime.datetime.now(datetime.timezone.utc)
    out = [f"## Reach: import and dashboard ({started:%Y-%m-%d %H:%M} UTC)", "",
           f"Machine: {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; "
           f"load average before the run {os.getloadavg()[0]:.2f}. Command: "
           f"`/usr/bin/python3 bench/reach.py --runs {args.runs} --requests {args.requests}`.", ""]
    inst = None
    try:
        if not args.skip_import:
            chart = root / "Chart data.csv"
            note("writing a 100,000-row Chart data.csv")
            write_chart(chart)
            size = chart.stat().st_size
            wc, pycsv, first, again = [], [], [], []
            for i in range(args.runs):
                dt, _ = timed(["wc", "-l", chart])
                wc.append(dt)
                t0 = time.monotonic()
                python_csv_sum(chart)
                pycsv.append(time.monotonic() - t0)
                d = root / f"imp{i}"
                timed([binary, "init", "--insecure-fast-kdf", d])
                dt, so = timed([binary, "reach", "import", d, chart])
                assert "100000 rows read, 100000 added" in so, so
                first.append(dt)
                dt, so = timed([binary, "reach", "import", d, chart])
                assert "100000 already known" in so, so
                again.append(dt)
                note(f"run {i + 1}: wc {wc[-1]:.3f} s, python csv {pycsv[-1]:.3f} s, "
                     f"sava import {first[-1]:.3f} s, again {again[-1]:.3f} s")
                shutil.rmtree(d)
            m = statistics.median
            out += ["### Import of a 100,000-row Chart data.csv", "",
                    f"File: {size / 1e6:.1f} MB, 100,001 lines (500 videos x 200 days). Median of {args.runs} runs:", "",
                    "| what | seconds | rows/s |", "| --- | ---: | ---: |",
                    f"| `wc -l` (reference) | {m(wc):.3f} | {100000 / m(wc):,.0f} |",
                    f"| Python `csv.reader`, summing the views (reference) | {m(pycsv):.3f} | {100000 / m(pycsv):,.0f} |",
                    f"| `sava reach import` into a new instance | {m(first):.3f} | {100000 / m(first):,.0f} |",
                    f"| the same file again (every row known) | {m(again):.3f} | {100000 / m(again):,.0f} |", ""]

        # ---- the dashboard ----
        d = root / "dash"
        timed([binary, "init", "--insecure-fast-kdf", d])
        # the SQL generator: 10,000 posts linked to 1,000 appeals, each with a subtitle
        # language, made before the imports, which then find them and keep their sums
        langs = ["ru", "be", "uk", "en", "pl"]
        ids = [os.urandom(16) for _ in range(1000)]
        with sqlite3.connect(d / "sava.db") as db:
            db.executemany(
                "INSERT INTO reach_posts (appeal, platform, platform_id, language, posted_by, created_day) "
                "VALUES (?, ?, ?, ?, 1, 20000)",
                [(ids[p % 1000], PLATFORMS[p % len(PLATFORMS)], f"p{p}", langs[p % 5]) for p in range(10000)])
        seed_times = []
        for k in range(20):
            f = root / f"seed{k}.csv"
            write_generic(f, k * 500, 500)
            dt, so = timed([binary, "reach", "import", d, f])
            assert "100000 added" in so, so
            seed_times.append(dt)
            f.unlink()
            note(f"seed file {k + 1}/20: {dt:.2f} s")
        with sqlite3.connect(d / "sava.db") as db:
            posts = db.execute("SELECT count(*) FROM reach_posts").fetchone()[0]
            snaps = db.execute("SELECT count(*) FROM reach_snapshots").fetchone()[0]
            appeals = db.execute("SELECT count(DISTINCT appeal) FROM reach_posts").fetchone()[0]
        db_mb = (d / "sava.db").stat().st_size / 1e6
        note(f"seeded: {posts} posts, {snaps} snapshots, {appeals} appeals, {db_mb:.0f} MB")
        # serve the seeded instance
        os.makedirs(root / "serve", exist_ok=True)
        shutil.move(str(d), str(root / "serve" / "inst"))
        inst = start_instance(root / "serve", init=False)
        viewer = Staff(inst, "vera", "viewer").login()
        for _ in range(20):
            assert viewer.get("/en/staff/campaign").status_code == 200
            viewer.get("/en/staff/")
        dash, home = [], []
        size = 0
        for _ in range(args.requests):
            t0 = time.monotonic()
            r = viewer.get("/en/staff/campaign")
            dash.append((time.monotonic() - t0) * 1000)
            assert r.status_code == 200
            size = len(r.content)
            t0 = time.monotonic()
            r = viewer.get("/en/staff/")
            home.append((time.monotonic() - t0) * 1000)
            assert r.status_code == 200
        out += ["### The campaign dashboard with 2 million snapshots", "",
                f"Seeded through `sava reach import` (20 files of 100,000 rows): {posts:,} posts on 8 platforms, "
                f"{snaps:,} snapshots, {appeals:,} appeals; database {db_mb:.0f} MB. Imports while it grew: "
                f"median {statistics.median(seed_times):.2f} s per 100,000 rows, the last {seed_times[-1]:.2f} s.", "",
                f"{args.requests} GETs of each page, one at a time, interleaved (page {size / 1024:.0f} KiB):", "",
                "| page | p50 ms | p99 ms | max ms |", "| --- | ---: | ---: | ---: |",
                f"| `/en/staff/` (reference: session and layout only) | {pct(home, 50):.1f} | {pct(home, 99):.1f} | {max(home):.1f} |",
                f"| `/en/staff/campaign` | {pct(dash, 50):.1f} | {pct(dash, 99):.1f} | {max(dash):.1f} |", "",
                f"Target: p99 under 50 ms: **{'met' if pct(dash, 99) < 50 else 'NOT met'}**.", ""]
    finally:
        if inst:
            inst.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            note(f"kept {root}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
