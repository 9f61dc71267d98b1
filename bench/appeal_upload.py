#!/usr/bin/python3
"""A 500 MiB video appeal upload: sava's memory and throughput against the disk.

The issue's requirement (11, "Benchmarks"): *a 500 MB video appeal upload: RSS growth of
`sava serve` under 16 MB, and throughput at least half of the disk's sequential write speed
measured in the same run.*

In one run, on one filesystem (a temp folder under --dir, which must not be a tmpfs):
  1. the disk's sequential write speed: `dd if=/dev/zero bs=1M count=512` with
     oflag=direct conv=fsync (the reference), and buffered with conv=fsync (for context),
     once before and once after the uploads; the file is deleted each time;
  2. a test instance (`sava init --insecure-fast-kdf`, `[appeals] max_mb = 600`) served by
     `sava serve` (a copy of the binary) on 127.0.0.1; an editor is invited, enrolled and
     logged in with TOTP, which makes the editors' key, so that uploads are taken;
  3. one small upload (1 MiB) as a warm-up, then --runs uploads of one --size-mib file of
     random bytes (written to disk first) through `POST /en/appeal`, a multipart body
     streamed from the file in 1 MiB chunks with a Content-Length (the client never holds
     the file in memory). Each POST is timed from its first byte to the whole answer;
     sava's VmRSS and VmHWM (/proc/PID/status, by PID) are sampled every 50 ms meanwhile,
     with sava's CPU time and the whole machine's. The answer must be 200 with a receipt.
     Random bytes are not a video: after each upload the media worker refuses the file
     (ffprobe, briefly); the next upload starts only once that is done.
Reported: median throughput (MiB/s of the file) against the disk's speed, and the largest
RSS growth over the VmRSS measured after the warm-up, as a Markdown section.
Everything is bounded in time, on 127.0.0.1 only; sava is stopped by its PID (SIGTERM),
the temp folder deleted unless --keep.

usage: /usr/bin/python3 bench/appeal_upload.py [--dir DIR] [--size-mib 500] [--runs 3] [--keep]
       SAVA_BIN=/path/to/sava ... (default: build/sava of this checkout)
"""
import argparse
import datetime
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HZ = os.sysconf("SC_CLK_TCK")
CHUNK = 1 << 20


def note(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_cpu(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / HZ


def machine_cpu():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) - idle, sum(v[:8])


def fs_of(path):
    out = subprocess.run(["df", "-T", "-P", str(path)], capture_output=True, text=True, timeout=30).stdout
    dev, fstype = out.splitlines()[1].split()[:2]
    mnt = out.splitlines()[1].split()[-1]
    return dev, fstype, mnt


def dd_write(path, direct):
    """MiB/s of `dd` writing 512 MiB of zeros to path, fsync'd before dd ends."""
    args = ["dd", "if=/dev/zero", f"of={path}", "bs=1M", "count=512", "conv=fsync"]
    if direct:
        args.append("oflag=direct")
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    dt = time.monotonic() - t0
    try:
        os.unlink(path)
    except OSError:
        pass
    if r.returncode != 0:
        raise SystemExit(f"dd failed: {r.stderr}")
    return 512 / dt


def make_random_file(path, mib):
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(CHUNK))
        f.flush()
        os.fsync(f.fileno())


class Sampler(threading.Thread):
    """VmRSS and VmHWM of pid every 50 ms until stopped."""

    def __init__(self, pid, period=0.05):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.stop_ev = threading.Event()
        self.max_rss = 0
        self.max_hwm = 0
        self.n = 0

    def sample(self):
        rss = status_kb(self.pid, "VmRSS")
        hwm = status_kb(self.pid, "VmHWM")
        if rss is not None:
            self.max_rss = max(self.max_rss, rss)
            self.n += 1
        if hwm is not None:
            self.max_hwm = max(self.max_hwm, hwm)

    def run(self):
        while not self.stop_ev.is_set():
            self.sample()
            self.stop_ev.wait(self.period)
        self.sample()

    def stop(self):
        self.stop_ev.set()
        self.join(timeout=5)


class Body:
    """A multipart/form-data body streamed from a file: iterable with a length, so that
    requests sends a Content-Length and sends the chunks as they are read."""

    def __init__(self, boundary, fields, path, filename="clip.mp4"):
        b = boundary.encode()
        pre = b""
        for k, v in fields:
            pre += b"--" + b + b"\r\nContent-Disposition: form-data; name=\"" + k.encode() + b"\"\r\n\r\n"
            pre += v.encode() + b"\r\n"
        pre += (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"video\"; filename=\"" +
                filename.encode() + b"\"\r\nContent-Type: video/mp4\r\n\r\n")
        self.pre, self.post = pre, b"\r\n--" + b + b"--\r\n"
        self.path = path
        self.size = os.path.getsize(path)
        self.t_first = self.t_last = None

    def __len__(self):
        return len(self.pre) + self.size + len(self.post)

    def __iter__(self):
        self.t_first = time.monotonic()
        yield self.pre
        with open(self.path, "rb") as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                yield chunk
        yield self.post
        self.t_last = time.monotonic()   # the generator resumes once the last chunk is sent


def upload(inst, path, http_timeout):
    """One appeal: GET the form (csrf cookie and token), POST the streamed body. Returns
    (status, receipt, seconds, seconds until the last byte was handed to the socket)."""
    import requests
    from intake_util import find_csrf, receipt_of
    s = requests.Session()
    page = s.get(inst.url("/en/appeal"), timeout=30)
    if page.status_code != 200:
        raise SystemExit(f"GET /en/appeal: {page.status_code}")
    fields = [("csrf", find_csrf(page.text)), ("language", "ru"), ("shown_name", "Ala"),
              ("text", "You can refuse."), ("consent", "yes")]
    boundary = "----savabench" + secrets.token_hex(12)
    body = Body(boundary, fields, path)
    t0 = time.monotonic()
    r = s.post(inst.url("/en/appeal"), data=body, allow_redirects=False, timeout=(10, http_timeout),
               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    dt = time.monotonic() - t0
    receipt = None
    if r.status_code == 200:
        try:
            receipt = receipt_of(r)
        except AssertionError:
            receipt = None
    sent = (body.t_last - t0) if body.t_last else None
    return r.status_code, receipt, dt, sent, r.text


def refused_count(editor):
    from test_appeals import APPEAL_LINK_RE
    from intake_util import unique
    r = editor.get("/en/staff/appeals?state=5")
    return len(unique(APPEAL_LINK_RE.findall(r.text))) if r.status_code == 200 else 0


def wait_refused(editor, n, timeout):
    """Waits (bounded) until n appeals are refused: the media worker is done with them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if refused_count(editor) >= n:
            return True
        time.sleep(0.5)
    return False


def machine_info(path):
    model = "?"
    for line in subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem_kb = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    dev, fstype, mnt = fs_of(path)
    return {"cpu": model, "cores": os.cpu_count(), "ram": f"{mem_kb / (1 << 20):.1f} GiB",
            "fs": f"{fstype} on {dev}, mounted at {mnt}", "fstype": fstype, "kernel": platform.release()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the temp instance goes (not a tmpfs)")
    ap.add_argument("--size-mib", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()
    cmd = " ".join(["/usr/bin/python3", "bench/appeal_upload.py"] + sys.argv[1:])
    if os.environ.get("SAVA_BIN"):
        cmd = f"SAVA_BIN={os.environ['SAVA_BIN']} " + cmd

    src_bin = Path(os.environ.get("SAVA_BIN") or REPO / "build" / "sava").resolve()
    if not os.access(src_bin, os.X_OK):
        raise SystemExit(f"no sava binary at {src_bin} (set SAVA_BIN, or run make)")
    root = Path(tempfile.mkdtemp(prefix="sava-upbench-", dir=args.dir))
    info = machine_info(root)
    if info["fstype"] in ("tmpfs", "ramfs"):
        shutil.rmtree(root, ignore_errors=True)
        raise SystemExit(f"{args.dir} is a {info['fstype']}: the disk would not be measured; use --dir")
    note(f"temp folder {root} ({info['fs']})")
    # a copy of the binary: a rebuild during the run cannot change what is measured
    binary = root / "sava"
    shutil.copy2(src_bin, binary)
    os.environ["SAVA_BIN"] = str(binary)
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    import hashlib
    sha = hashlib.sha256(binary.read_bytes()).hexdigest()[:12]
    from conftest import start_instance, stop_process
    from intake_util import Staff

    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    inst = None
    rows = []
    disk = {"direct": [], "buffered": []}
    try:
        note("disk: dd 512 MiB, oflag=direct conv=fsync, then buffered conv=fsync")
        disk["direct"].append(dd_write(root / "dd.bin", True))
        disk["buffered"].append(dd_write(root / "dd.bin", False))
        note(f"disk: direct {disk['direct'][-1]:.0f} MiB/s, buffered+fsync {disk['buffered'][-1]:.0f} MiB/s")

        data = root / "upload.bin"
        note(f"writing {args.size_mib} MiB of random bytes to {data}")
        make_random_file(data, args.size_mib)
        small = root / "small.bin"
        make_random_file(small, 1)

        inst = start_instance(root, conf={("appeals", "max_mb"): max(600, args.size_mib + 100)})
        pid = inst.pid
        note(f"sava serve pid {pid} on {inst.base}; idle VmRSS {status_kb(pid, 'VmRSS')} kB")
        editor = Staff(inst, "edna", "editor").login()   # her first login makes the editors' key

        st, receipt, dt, _, text = upload(inst, small, 120)
        if st != 200 or not receipt:
            raise SystemExit(f"warm-up upload: {st}, receipt {receipt}\n{text[:1500]}")
        if not wait_refused(editor, 1, 120):
            note("warm-up: the media worker did not refuse the file within 120 s")
        time.sleep(1)
        base_rss = status_kb(pid, "VmRSS")
        base_hwm = status_kb(pid, "VmHWM")
        note(f"after warm-up: VmRSS {base_rss} kB, VmHWM {base_hwm} kB")

        for i in range(args.runs):
            rss0, hwm0 = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
            cpu0, (busy0, tot0) = proc_cpu(pid), machine_cpu()
            me0 = time.process_time()
            samp = Sampler(pid)
            samp.start()
            try:
                st, receipt, dt, sent, text = upload(inst, data, 900)
            finally:
                samp.stop()
            cpu1, (busy1, tot1) = proc_cpu(pid), machine_cpu()
            me1 = time.process_time()
            rss1, hwm1 = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
            ncpu = os.cpu_count()
            row = {
                "run": i + 1, "status": st, "receipt": bool(receipt), "secs": dt, "sent": sent,
                "mibs": args.size_mib / dt, "rss0": rss0, "peak": samp.max_rss, "rss1": rss1,
                "hwm0": hwm0, "hwm1": hwm1, "samples": samp.n,
                "sava_cpu": cpu1 - cpu0, "client_cpu": me1 - me0,
                "machine_busy": (busy1 - busy0) / max(1, tot1 - tot0) * ncpu * dt,
            }
            row["other_cpu"] = max(0.0, row["machine_busy"] - row["sava_cpu"] - row["client_cpu"])
            rows.append(row)
            note(f"run {i + 1}: {st}, receipt {'yes' if receipt else 'NO'}, {dt:.2f} s "
                 f"(body sent at {sent or 0:.2f} s), {row['mibs']:.0f} MiB/s, VmRSS {rss0} -> peak "
                 f"{samp.max_rss} kB, VmHWM {hwm0} -> {hwm1} kB, sava CPU {row['sava_cpu']:.2f} s")
            if st != 200 or not receipt:
                note(f"answer: {text[:1500]}")
            if not wait_refused(editor, i + 2, 300):
                note(f"run {i + 1}: the media worker did not refuse the file within 300 s")
            time.sleep(1)

        note("disk again: dd 512 MiB, oflag=direct conv=fsync, then buffered conv=fsync")
        disk["direct"].append(dd_write(root / "dd.bin", True))
        disk["buffered"].append(dd_write(root / "dd.bin", False))
        note(f"disk: direct {disk['direct'][-1]:.0f} MiB/s, buffered+fsync {disk['buffered'][-1]:.0f} MiB/s")
        end_rss, end_hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
    finally:
        rc = None
        if inst is not None:
            rc, killed = stop_process(inst.proc)
            if killed:
                note("sava did not stop on SIGTERM: killed")
        load_after = os.getloadavg()
        if args.keep:
            note(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    ended = datetime.datetime.now(datetime.timezone.utc)

    # ---- report
    ok = [r for r in rows if r["status"] == 200 and r["receipt"]]
    med = statistics.median(r["mibs"] for r in rows)
    disk_ref = statistics.mean(disk["direct"])
    growth = max((r["peak"] - base_rss) for r in rows)
    hwm_growth = max(r["hwm1"] for r in rows) - base_hwm
    ratio = med / disk_ref
    print(f"## A {args.size_mib} MiB video appeal upload (bench/appeal_upload.py)\n")
    print(f"Command: `{cmd}`\n")
    print("| | |\n|---|---|")
    print(f"| machine | {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, kernel {info['kernel']} |")
    print(f"| filesystem | {info['fs']} |")
    print(f"| binary | sha256 {sha}… |")
    print(f"| date | {started:%Y-%m-%d %H:%M:%S} to {ended:%H:%M:%S} UTC |")
    print(f"| load average | {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} before, "
          f"{load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} after |")
    print(f"| sava exit on SIGTERM | {rc} |")
    print()
    print("Disk, `dd` 512 MiB of zeros, same filesystem (MiB/s; before, after the uploads):\n")
    print("| dd | before | after | mean |\n|---|---:|---:|---:|")
    for k, label in (("direct", "`oflag=direct conv=fsync` (reference)"), ("buffered", "buffered, `conv=fsync`")):
        v = disk[k]
        print(f"| {label} | {v[0]:.0f} | {v[-1]:.0f} | {statistics.mean(v):.0f} |")
    print()
    print(f"Uploads: `POST /en/appeal`, {args.size_mib} MiB of random bytes streamed from a file; VmRSS "
          f"after a 1 MiB warm-up upload: {base_rss / 1024:.1f} MiB (VmHWM {base_hwm / 1024:.1f} MiB).\n")
    print("| run | status | receipt | time (s) | body sent at (s) | MiB/s | VmRSS before (MiB) | "
          "peak VmRSS (MiB, 50 ms) | growth (MiB) | VmHWM after (MiB) | sava CPU (s) | client CPU (s) | other CPU (s) |")
    print("|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['run']} | {r['status']} | {'yes' if r['receipt'] else 'no'} | {r['secs']:.2f} | "
              f"{(r['sent'] or 0):.2f} | {r['mibs']:.0f} | {r['rss0'] / 1024:.1f} | {r['peak'] / 1024:.1f} | "
              f"{(r['peak'] - base_rss) / 1024:+.1f} | {r['hwm1'] / 1024:.1f} | {r['sava_cpu']:.2f} | "
              f"{r['client_cpu']:.2f} | {r['other_cpu']:.2f} |")
    print()
    print("| figure | value | target | |\n|---|---:|---:|:---:|")
    print(f"| median upload throughput | {med:.0f} MiB/s | | |")
    print(f"| disk sequential write (direct, mean) | {disk_ref:.0f} MiB/s | | |")
    print(f"| throughput / disk | **{ratio:.2f}** | ≥ 0.50 | {'met' if ratio >= 0.5 else '**missed**'} |")
    print(f"| largest RSS growth (peak VmRSS − VmRSS after warm-up) | **{growth / 1024:.1f} MiB** | < 16 MB "
          f"| {'met' if growth * 1024 < 16e6 else '**missed**'} |")
    print(f"| VmHWM growth over the runs | {hwm_growth / 1024:.1f} MiB | | |")
    print(f"| VmRSS at the end | {end_rss / 1024:.1f} MiB (VmHWM {end_hwm / 1024:.1f}) | | |")
    print(f"| uploads answered 200 with a receipt | {len(ok)} of {len(rows)} | all | |")
    return 0 if len(ok) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
