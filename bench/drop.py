#!/usr/bin/python3
"""The secure drop (issue 14, "Benchmarks"): a 200 MiB offline drop upload with flat RSS,
and `sava drop export` of 1,000 submissions.

In one run, on one filesystem (a temp folder under --dir, not a tmpfs):
  1. the disk's sequential write speed: `dd` 512 MiB, oflag=direct conv=fsync (reference);
  2. a test instance in offline mode (`sava drop keygen`, `[drop] mode = offline`,
     `max_mb` above the file) served by `sava serve` (a copy of the binary) on 127.0.0.1;
  3. a 1 MiB warm-up upload, then --runs uploads of one --size-mib file of random bytes
     through `POST /en/drop`, streamed from disk in 1 MiB chunks; sava's VmRSS sampled
     every 50 ms (/proc/PID/status, by PID);
  4. --export-n more submissions (a message and a 4 KiB file each) through the same form,
     sava stopped, then `sava drop export` of all of them timed, against `cp -r` of the
     instance's blobs folder (the same bytes, no crypto, no database) timed in the same
     run; every bundle is then opened by `sava decrypt` for a sample (--check) to show
     they are whole.
Reported as a Markdown section (printed). sava is stopped by its PID; the temp folder is
deleted unless --keep.

usage: /usr/bin/python3 bench/drop.py [--dir DIR] [--size-mib 200] [--runs 2] [--export-n 1000] [--keep]
"""
import argparse
import datetime
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from appeal_upload import CHUNK, Sampler, dd_write, machine_info, make_random_file, note, status_kb  # noqa: E402


class Body:
    """multipart/form-data streamed from a file: csrf, message, one attachment."""

    def __init__(self, boundary, token, path):
        b = boundary.encode()
        pre = b"--" + b + b"\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token.encode() + b"\r\n"
        pre += b"--" + b + b"\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nbench\r\n"
        pre += (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"doc.bin\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n")
        self.pre, self.post, self.path = pre, b"\r\n--" + b + b"--\r\n", path
        self.size = os.path.getsize(path)

    def __len__(self):
        return len(self.pre) + self.size + len(self.post)

    def __iter__(self):
        yield self.pre
        with open(self.path, "rb") as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                yield chunk
        yield self.post


def upload(inst, path, timeout):
    import requests
    from intake_util import find_csrf, receipt_of
    s = requests.Session()
    page = s.get(inst.url("/en/drop"), timeout=30)
    boundary = "----savabench" + secrets.token_hex(12)
    body = Body(boundary, find_csrf(page.text), path)
    t0 = time.monotonic()
    r = s.post(inst.url("/en/drop"), data=body, allow_redirects=False, timeout=(10, timeout),
               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    dt = time.monotonic() - t0
    ok = r.status_code == 200 and bool(receipt_of(r))
    return r.status_code, ok, dt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument("--size-mib", type=int, default=200)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--export-n", type=int, default=1000)
    ap.add_argument("--check", type=int, default=20, help="bundles opened by sava decrypt afterwards")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    cmd = " ".join(["/usr/bin/python3", "bench/drop.py"] + sys.argv[1:])
    src_bin = Path(os.environ.get("SAVA_BIN") or REPO / "build" / "sava").resolve()
    root = Path(tempfile.mkdtemp(prefix="sava-dropbench-", dir=args.dir))
    info = machine_info(root)
    if info["fstype"] in ("tmpfs", "ramfs"):
        shutil.rmtree(root, ignore_errors=True)
        raise SystemExit(f"{args.dir} is a {info['fstype']}; use --dir")
    binary = root / "sava"
    shutil.copy2(src_bin, binary)
    os.environ["SAVA_BIN"] = str(binary)
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    from conftest import start_instance, stop_process
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    inst = None
    rows = []
    try:
        disk = dd_write(root / "dd.bin", True)
        note(f"disk: dd direct {disk:.0f} MiB/s")
        key = root / "offline.key"
        line = subprocess.run([str(binary), "drop", "keygen", str(key)], capture_output=True, text=True,
                              timeout=60, check=True).stdout.strip()
        pk = line.split("=", 1)[1].strip()
        data, small = root / "upload.bin", root / "small.bin"
        make_random_file(data, args.size_mib)
        make_random_file(small, 1)
        tiny = root / "tiny.bin"
        tiny.write_bytes(os.urandom(4096))
        conf = {("drop", "mode"): "offline", ("drop", "offline_key"): pk,
                ("drop", "max_mb"): str(args.size_mib + 10), ("intake", "per_minute"): "0"}
        inst = start_instance(root, conf=conf)
        pid = inst.pid
        st, ok, _ = upload(inst, small, 120)
        if not ok:
            raise SystemExit(f"warm-up upload: {st}")
        time.sleep(1)
        base_rss = status_kb(pid, "VmRSS")
        note(f"after warm-up: VmRSS {base_rss} kB")
        for i in range(args.runs):
            samp = Sampler(pid)
            samp.start()
            try:
                st, ok, dt = upload(inst, data, 900)
            finally:
                samp.stop()
            rows.append({"run": i + 1, "status": st, "ok": ok, "secs": dt, "mibs": args.size_mib / dt,
                         "peak": samp.max_rss, "growth": samp.max_rss - base_rss, "samples": samp.n})
            note(f"run {i + 1}: {st} {dt:.2f} s {args.size_mib / dt:.0f} MiB/s, peak VmRSS {samp.max_rss} kB")
        note(f"{args.export_n} small submissions")
        t0 = time.monotonic()
        for i in range(args.export_n):
            st, ok, _ = upload(inst, tiny, 60)
            if not ok:
                raise SystemExit(f"submission {i}: {st}")
        submit_secs = time.monotonic() - t0
        stop_process(inst.proc)
        inst = None
        blobs = root / "inst" / "blobs"
        nbytes = sum(p.stat().st_size for p in blobs.iterdir())
        subprocess.run(["sync"], timeout=300)
        t0 = time.monotonic()
        subprocess.run(["cp", "-r", str(blobs), str(root / "cp-ref")], check=True, timeout=900)
        subprocess.run(["sync"], timeout=300)
        cp_secs = time.monotonic() - t0
        shutil.rmtree(root / "cp-ref")
        out = root / "usb"
        out.mkdir()
        t0 = time.monotonic()
        r = subprocess.run([str(binary), "drop", "export", str(root / "inst"), str(out)], capture_output=True,
                           text=True, timeout=3600)
        export_secs = time.monotonic() - t0
        bundles = sorted(out.glob("*.savadrop"))
        note(f"export: {r.returncode} {r.stdout.strip()} in {export_secs:.1f} s; cp -r {cp_secs:.1f} s")
        opened = 0
        for b in bundles[:args.check]:
            o = root / "open"
            o.mkdir(exist_ok=True)
            if subprocess.run([str(binary), "decrypt", str(key), str(b), str(o)], capture_output=True,
                              timeout=600).returncode == 0:
                opened += 1
    finally:
        if inst is not None:
            stop_process(inst.proc)
        load_after = os.getloadavg()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    ended = datetime.datetime.now(datetime.timezone.utc)
    n = args.export_n + args.runs + 1
    print(f"## The secure drop: a {args.size_mib} MiB offline upload and an export of {n} submissions "
          f"(bench/drop.py)\n")
    print(f"Command: `{cmd}`\n")
    print("| | |\n|---|---|")
    print(f"| machine | {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, kernel {info['kernel']} |")
    print(f"| filesystem | {info['fs']} |")
    print(f"| date | {started:%Y-%m-%d %H:%M:%S} to {ended:%H:%M:%S} UTC |")
    print(f"| load average | {load_before[0]:.2f} before, {load_after[0]:.2f} after |")
    print(f"| disk, dd 512 MiB direct+fsync (reference) | {disk:.0f} MiB/s |")
    print()
    print(f"Uploads (`POST /en/drop`, offline mode, VmRSS after a 1 MiB warm-up {base_rss / 1024:.1f} MiB):\n")
    print("| run | status | receipt | time (s) | MiB/s | peak VmRSS (MiB) | growth (MiB) | samples |")
    print("|---:|---:|:---:|---:|---:|---:|---:|---:|")
    for x in rows:
        print(f"| {x['run']} | {x['status']} | {'yes' if x['ok'] else 'no'} | {x['secs']:.2f} | {x['mibs']:.0f} | "
              f"{x['peak'] / 1024:.1f} | {x['growth'] / 1024:+.1f} | {x['samples']} |")
    print()
    print(f"Export: {len(bundles)} bundles ({nbytes / (1 << 20):.0f} MiB of blobs; {args.export_n} submissions "
          f"made in {submit_secs:.1f} s beforehand).\n")
    print("| | seconds | per submission (ms) |\n|---|---:|---:|")
    print(f"| `sava drop export` (exit {r.returncode}) | {export_secs:.1f} | {export_secs * 1000 / max(1, n):.1f} |")
    print(f"| `cp -r blobs` then `sync` (reference, same bytes) | {cp_secs:.1f} | {cp_secs * 1000 / max(1, n):.1f} |")
    print(f"\nratio export / cp: **{export_secs / max(cp_secs, 1e-6):.2f}**; "
          f"{opened} of {min(args.check, len(bundles))} bundles checked open with `sava decrypt`.")
    print(f"Largest RSS growth during an upload: **{max(x['growth'] for x in rows) / 1024:.1f} MiB** "
          f"for a {args.size_mib} MiB file.")


if __name__ == "__main__":
    main()
