"""The command line: help, version, init and the ways serve refuses to start."""

import os
import re
import sqlite3
import stat
import subprocess

import pytest

from conftest import (CLI_TIMEOUT, SAVA_BIN, conf_set, free_port, run_cli, sava_init,
                      start_instance, stop_process)

HEX64_LINE = re.compile(r"^\s*([0-9a-fA-F]{64})\s*$", re.M)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def snapshot(d):
    """Every file and directory under d with its mode, size and content."""
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            data = open(p, "rb").read() if stat.S_ISREG(st.st_mode) else None
            out[os.path.relpath(p, d)] = (stat.S_IMODE(st.st_mode), st.st_size, data)
    out["."] = (mode(d), None, None)
    return out


def serve_expect_exit(dir_path, timeout=None):
    """Runs `sava serve DIR` that must refuse to start; bounded. If it starts serving
    instead, it is stopped by its PID and the test fails."""
    port = free_port()
    proc = subprocess.Popen([str(SAVA_BIN), "serve", str(dir_path), "--listen", f"127.0.0.1:{port}"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        out, err = proc.communicate(timeout=timeout or CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        out, err = proc.communicate(timeout=10)
        pytest.fail(f"sava serve {dir_path} kept running instead of refusing to start; stderr: {err}")
    finally:
        if proc.poll() is None:
            stop_process(proc)
    return proc.returncode, out, err


# ---------------------------------------------------------------- help and version

@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_exits_0_with_usage_naming_commands(flag):
    r = run_cli(flag)
    assert r.returncode == 0
    assert "usage" in r.stdout.lower()
    assert re.search(r"\binit\b", r.stdout)
    assert re.search(r"\bserve\b", r.stdout)


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"sava \d+\.\d+\.\d+", r.stdout.strip()), r.stdout


@pytest.mark.parametrize("cmd", ["init", "serve"])
def test_subcommand_help(cmd):
    r = run_cli(cmd, "--help")
    assert r.returncode == 0
    assert "usage" in r.stdout.lower()
    assert cmd in r.stdout


def test_unknown_command_exits_2_with_a_sentence():
    r = run_cli("frobnicate")
    assert r.returncode == 2
    assert len(r.stderr.split()) >= 3, f"no explanation on stderr: {r.stderr!r}"
    assert r.stdout == ""


def test_no_arguments_exits_2():
    r = run_cli()
    assert r.returncode == 2


# ---------------------------------------------------------------- init

def test_init_refuses_non_empty_dir_and_changes_nothing(tmp_path):
    d = tmp_path / "existing"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    (d / "notes.txt").write_text("keep me\n")
    (d / "sub").mkdir()
    (d / "sub" / "x").write_bytes(b"\x00\x01")
    before = snapshot(d)
    r = run_cli("init", "--insecure-fast-kdf", d)
    assert r.returncode == 1
    assert r.stderr.strip(), "no explanation on stderr"
    assert snapshot(d) == before


def test_init_creates_private_files_and_prints_audit_key(tmp_path):
    d = tmp_path / "inst"
    r = sava_init(d)
    assert mode(d) == 0o700
    assert mode(d / "keys") == 0o700
    for f in ("sava.conf", "sava.db", "keys/instance.key", "keys/shred.kf"):
        assert (d / f).is_file(), f"{f} missing"
        assert mode(d / f) == 0o600, f"{f} has mode {oct(mode(d / f))}"
    keys = HEX64_LINE.findall(r.stdout)
    assert len(keys) == 1, f"expected one 64-hex-digit audit key line in:\n{r.stdout}"


def test_two_inits_give_different_audit_keys(tmp_path):
    k1 = HEX64_LINE.findall(sava_init(tmp_path / "a").stdout)
    k2 = HEX64_LINE.findall(sava_init(tmp_path / "b").stdout)
    assert len(k1) == 1 and len(k2) == 1
    assert k1[0].lower() != k2[0].lower()


# ---------------------------------------------------------------- serve refuses

@pytest.mark.parametrize("section,key,value", [
    ("server", "threads", "lots"),
    ("server", "colour", "red"),
    # the exit link: a plain https address only (it goes into every public header)
    ("site", "exit_url", "http://example.org/"),
    ("site", "exit_url", "javascript:alert(1)"),
    ("site", "exit_url", 'https://a.org/"><b>'),
])
def test_serve_refuses_broken_config_naming_the_line(tmp_path, section, key, value):
    d = tmp_path / "inst"
    sava_init(d)
    line = conf_set(d, section, key, value)
    assert f"{key} = {value}" == (d / "sava.conf").read_text().split("\n")[line - 1]
    rc, _out, err = serve_expect_exit(d)
    assert rc == 1, err
    assert re.search(rf"\bline {line}\b", err), f"expected 'line {line}' in stderr: {err!r}"


def test_serve_refuses_a_dir_that_is_not_an_instance(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    rc, _out, err = serve_expect_exit(d)
    assert rc == 1
    assert err.strip()


def test_a_second_serve_on_the_same_instance_is_refused(tmp_path):
    """Regression (review): a second sava serve on one directory ran its start-up cleanup
    against the live one (shredding the slots of requests being stored, ending sessions)."""
    inst = start_instance(tmp_path)
    try:
        rc, _out, err = serve_expect_exit(inst.dir)
        assert rc == 1 and "already running" in err, err
        inst.assert_answers()
    finally:
        assert inst.stop() == 0
    # once it has stopped, the instance starts again
    again = start_instance(tmp_path, init=False)
    assert again.stop() == 0


def test_serve_refuses_a_missing_dir(tmp_path):
    rc, _out, err = serve_expect_exit(tmp_path / "nothing-here")
    assert rc == 1
    assert err.strip()


def test_serve_refuses_database_from_newer_sava(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    con = sqlite3.connect(str(d / "sava.db"), timeout=10)
    try:
        con.execute("PRAGMA user_version = 999")
        con.commit()
    finally:
        con.close()
    rc, _out, err = serve_expect_exit(d)
    assert rc != 0
    assert "newer" in err.lower(), err


def set_kdf_row(d, profile):
    con = sqlite3.connect(str(d / "sava.db"), timeout=10)
    try:
        con.execute("UPDATE instance SET kdf_profile = ?", (profile,))
        con.commit()
    finally:
        con.close()


def test_editing_the_database_cannot_downgrade_the_key_derivation(tmp_path):
    """Regression (review): the Argon2id cost profile lived only in sava.db, so editing one
    row turned a production instance into a cheap-key test instance and unlocked `sava dev
    seed`. instance.key pins it; every command refuses a database that disagrees."""
    d = tmp_path / "prod"
    sava_init(d, fast=False)
    assert (d / "keys" / "instance.key").read_bytes()[:8] == b"SAVAIK\x02\x01"
    set_kdf_row(d, "insecure-fast")
    rc, _out, err = serve_expect_exit(d)
    assert rc == 1 and "changed outside sava" in err, err
    r = run_cli("dev", "seed", str(d), "--accounts", "2", "--cases", "1", "--messages", "1")
    assert r.returncode != 0 and "passphrase" not in r.stdout.lower(), (r.stdout, r.stderr)
    r = run_cli("invite", str(d), "--role", "owl")
    assert r.returncode == 1 and "changed outside sava" in r.stderr
    # and the other way round: a test instance stays one
    t = tmp_path / "test"
    sava_init(t)
    assert (t / "keys" / "instance.key").read_bytes()[:8] == b"SAVAIK\x02\x02"
    set_kdf_row(t, "production")
    rc, _out, err = serve_expect_exit(t)
    assert rc == 1 and "changed outside sava" in err, err


def test_an_old_key_file_is_not_pinned_to_a_downgrade_made_before_the_upgrade(tmp_path):
    """Review: an instance.key of format 1 is pinned at its first use with what the database
    says then, so a row edited before the upgrade would have become permanent. Accounts
    enrolled at production cost contradict a database that claims a test instance: every
    command refuses, and the key file stays unpinned."""
    from test_staff import enroll, invite
    inst = start_instance(tmp_path, fast=False)
    try:
        enroll(inst, invite(inst, "coordinator"), "anna")
    finally:
        assert inst.stop() == 0
    d = inst.dir
    ik = d / "keys" / "instance.key"
    with open(ik, "r+b") as f:
        f.seek(6)
        f.write(b"\x01\x00")              # as sava 0.1 wrote it
    set_kdf_row(d, "insecure-fast")
    r = run_cli("invite", str(d), "--role", "owl")
    assert r.returncode == 1 and "enrolled with production key derivation" in r.stderr, r.stderr
    r = run_cli("dev", "seed", str(d), "--accounts", "2", "--cases", "1", "--messages", "1")
    assert r.returncode == 1 and "passphrase" not in r.stdout.lower(), (r.stdout, r.stderr)
    rc, _out, err = serve_expect_exit(d)
    assert rc == 1 and "enrolled with production key derivation" in err, err
    assert ik.read_bytes()[6:8] == b"\x01\x00"     # nothing pinned
    set_kdf_row(d, "production")
    assert run_cli("invite", str(d), "--role", "owl").returncode == 0
    assert ik.read_bytes()[6:8] == b"\x02\x01"


def test_a_format_1_instance_key_is_upgraded_once_with_the_profile_pinned(tmp_path):
    d = tmp_path / "old"
    sava_init(d)
    ik = d / "keys" / "instance.key"
    data = bytearray(ik.read_bytes())
    data[6:8] = b"\x01\x00"               # as sava 0.1 wrote it
    with open(ik, "r+b") as f:
        f.write(bytes(data[:8]))
    r = run_cli("invite", str(d), "--role", "owl")
    assert r.returncode == 0, r.stderr
    assert ik.read_bytes()[:8] == b"SAVAIK\x02\x02"
    assert run_cli("audit", "verify", str(d)).returncode == 0


def test_serve_leaves_database_in_wal_with_a_schema_version(tmp_path):
    inst = start_instance(tmp_path)
    try:
        inst.assert_answers()
    finally:
        rc = inst.stop()
    assert rc == 0
    con = sqlite3.connect(str(inst.dir / "sava.db"), timeout=10)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        con.close()
