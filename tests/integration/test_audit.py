"""`sava audit verify`: the audit log's unkeyed chain, and with K0 its keyed chain and the
audit key in keys/instance.key (CRYPTO.md "Audit"); and `sava serve` reconciling the log
with that key when it starts."""

import hashlib
import re
import sqlite3
import subprocess

import pytest

from conftest import CLI_TIMEOUT, SAVA_BIN, free_port, run_cli, sava_init, start_instance, stop_process

K0_LINE = re.compile(r"^\s+([0-9a-f]{64})$", re.M)
INTACT = re.compile(r"^audit log intact: (\d+) (?:entry|entries); head i=(\d+), h=([0-9a-f]{64})$", re.M)


def kdf(key, subkey_id, ctx=b"savaAUDK"):
    """crypto_kdf_derive_from_key(32, id, ctx, key) in hashlib terms."""
    return hashlib.blake2b(b"", digest_size=32, key=key, salt=subkey_id.to_bytes(8, "little") + bytes(8),
                           person=ctx + bytes(8)).digest()


def link(key, prev, i, entry):
    m = prev + i.to_bytes(8, "little") + entry
    if key is None:
        return hashlib.blake2b(m, digest_size=32).digest()
    return hashlib.blake2b(m, digest_size=32, key=key).digest()


def db(dir_path):
    return sqlite3.connect(dir_path / "sava.db", timeout=10)


def rows(dir_path):
    con = db(dir_path)
    try:
        return con.execute("SELECT idx, entry, h, u FROM audit ORDER BY idx").fetchall()
    finally:
        con.close()


def key_record(dir_path):
    """(audit index, audit key) from keys/instance.key."""
    data = (dir_path / "keys" / "instance.key").read_bytes()
    return int.from_bytes(data[56:64], "little"), data[64:96]


def set_key_index(dir_path, idx):
    with open(dir_path / "keys" / "instance.key", "r+b") as f:
        f.seek(56)
        f.write(idx.to_bytes(8, "little"))


def verify(dir_path, *args, **kw):
    return run_cli("audit", "verify", *args, dir_path, **kw)


def serve_expect_exit(dir_path):
    """`sava serve DIR` that must refuse to start (bounded; stopped by its PID if it runs)."""
    port = free_port()
    proc = subprocess.Popen([str(SAVA_BIN), "serve", str(dir_path), "--listen", f"127.0.0.1:{port}"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        out, err = proc.communicate(timeout=10)
        pytest.fail(f"sava serve {dir_path} kept running instead of refusing to start; stderr: {err}")
    finally:
        if proc.poll() is None:
            stop_process(proc)
    return proc.returncode, err


@pytest.fixture
def instance(tmp_path):
    """An instance made by `sava init`, started and stopped once: (DIR, K0 as hex)."""
    dir_path = tmp_path / "inst"
    r = sava_init(dir_path)
    m = K0_LINE.search(r.stdout)
    assert m, f"sava init printed no K0: {r.stdout}"
    inst = start_instance(tmp_path, init=False)
    try:
        inst.assert_answers()
    finally:
        assert inst.stop() == 0, inst.log()
    return dir_path, m.group(1)


# ---------------------------------------------------------------- usage

@pytest.mark.parametrize("args", [["audit", "--help"], ["audit", "verify", "--help"], ["audit", "-h"]])
def test_help_prints_usage_to_stdout(args):
    r = run_cli(*args)
    assert r.returncode == 0
    assert "usage: sava audit verify [--key K0] DIR" in r.stdout
    assert "--key" in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("args", [
    ["audit"],
    ["audit", "frobnicate"],
    ["audit", "verify"],
    ["audit", "verify", "a", "b"],
    ["audit", "verify", "--nope", "x"],
    ["audit", "verify", "--key", "abc", "x"],
    ["audit", "verify", "--key", "0" * 63, "x"],
    ["audit", "verify", "--key", "g" * 64, "x"],
    ["audit", "verify", "--key", "0" * 64, "--key", "0" * 64, "x"],
])
def test_usage_errors_exit_2(args):
    r = run_cli(*args)
    assert r.returncode == 2, r
    assert r.stderr.strip(), "a usage error says what is wrong"
    assert r.stdout == ""


def test_a_directory_without_an_instance_exits_1(tmp_path):
    r = verify(tmp_path / "nothing")
    assert r.returncode == 1
    assert "no database" in r.stderr


# ---------------------------------------------------------------- an intact log

def test_a_fresh_instance_verifies(instance):
    dir_path, _ = instance
    r = verify(dir_path)
    assert r.returncode == 0, r.stderr
    m = INTACT.search(r.stdout)
    assert m, r.stdout
    assert m.group(1) == "1" and m.group(2) == "0"
    (idx, entry, h, u), = rows(dir_path)
    assert bytes.fromhex(m.group(3)) == h


def test_the_printed_k0_verifies_the_keyed_chain(instance):
    dir_path, k0 = instance
    r = verify(dir_path, "--key", k0)
    assert r.returncode == 0, r.stderr
    assert INTACT.search(r.stdout)
    assert "holds the key for entry 1" in r.stdout
    # Upper case hexadecimal is the same key.
    assert verify(dir_path, "--key", k0.upper()).returncode == 0


def test_k0_can_come_from_standard_input(instance):
    dir_path, k0 = instance
    r = subprocess.run([str(SAVA_BIN), "audit", "verify", "--key", "-", str(dir_path)], input=f"  {k0}\n",
                       capture_output=True, text=True, timeout=CLI_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert INTACT.search(r.stdout)
    r = subprocess.run([str(SAVA_BIN), "audit", "verify", "--key", "-", str(dir_path)], input="not a key\n",
                       capture_output=True, text=True, timeout=CLI_TIMEOUT)
    assert r.returncode == 2


def test_a_wrong_key_fails_naming_entry_0(instance):
    dir_path, k0 = instance
    wrong = ("0" if k0[0] != "0" else "1") + k0[1:]
    r = verify(dir_path, "--key", wrong)
    assert r.returncode == 1
    assert "entry 0" in r.stderr and "K0" in r.stderr
    assert "intact" not in r.stdout


def test_verify_opens_the_database_read_only(instance):
    dir_path, k0 = instance
    # An older schema version stays as it is: no migration runs.
    con = db(dir_path)
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    before = (dir_path / "sava.db").read_bytes()
    assert verify(dir_path, "--key", k0).returncode == 0
    assert (dir_path / "sava.db").read_bytes() == before
    con = db(dir_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    # A database from a newer sava is refused.
    con.execute("PRAGMA user_version = 1000")
    con.commit()
    con.close()
    r = verify(dir_path)
    assert r.returncode == 1 and "newer sava" in r.stderr


# ---------------------------------------------------------------- tampering

@pytest.mark.parametrize("with_key", [False, True])
def test_an_edited_entry_fails_naming_it(instance, with_key):
    dir_path, k0 = instance
    con = db(dir_path)
    (entry,), = con.execute("SELECT entry FROM audit WHERE idx = 0").fetchall()
    edited = bytearray(entry)
    edited[25] ^= 1          # the action code's high byte
    con.execute("UPDATE audit SET entry = ? WHERE idx = 0", (bytes(edited),))
    con.commit()
    con.close()
    r = verify(dir_path, *(["--key", k0] if with_key else []))
    assert r.returncode == 1
    assert "entry 0: unkeyed link does not match (edited, deleted or reordered)" in r.stderr
    assert r.stdout == ""


def test_a_deleted_row_fails(instance):
    dir_path, k0 = instance
    con = db(dir_path)
    con.execute("DELETE FROM audit WHERE idx = 0")
    con.commit()
    con.close()
    r = verify(dir_path)
    assert r.returncode == 1
    assert "entry 0" in r.stderr
    assert verify(dir_path, "--key", k0).returncode == 1


def test_a_rewritten_unkeyed_chain_is_caught_only_with_k0(instance):
    dir_path, k0 = instance
    (idx, entry, h, u), = rows(dir_path)
    edited = entry[:24] + (4).to_bytes(2, "little") + entry[26:]      # "login failed"
    con = db(dir_path)
    con.execute("UPDATE audit SET entry = ?, u = ? WHERE idx = 0", (edited, link(None, bytes(32), 0, edited)))
    con.commit()
    con.close()
    assert verify(dir_path).returncode == 0
    r = verify(dir_path, "--key", k0)
    assert r.returncode == 1
    assert "entry 0: keyed link does not match" in r.stderr


# ---------------------------------------------------------------- reconcile at start

def _append_row_without_ratchet(dir_path, k0):
    """Writes entry 1 under K_1 as sava would, as if it crashed before advancing the key."""
    (idx, entry0, h0, u0), = rows(dir_path)
    k1 = kdf(k0, 1)
    entry = entry0[:24] + (5).to_bytes(2, "little") + entry0[26:]     # "logged out"
    con = db(dir_path)
    con.execute("INSERT INTO audit (idx, entry, h, u) VALUES (1, ?, ?, ?)",
                (entry, link(k1, h0, 1, entry), link(None, u0, 1, entry)))
    con.commit()
    con.close()


def test_serve_finishes_a_ratchet_lost_in_a_crash(instance, tmp_path):
    dir_path, k0_hex = instance
    k0 = bytes.fromhex(k0_hex)
    assert key_record(dir_path) == (1, kdf(k0, 1))
    _append_row_without_ratchet(dir_path, k0)

    r = verify(dir_path, "--key", k0_hex)
    assert r.returncode == 0, r.stderr
    assert "2 entries" in r.stdout and "not done yet" in r.stdout

    inst = start_instance(tmp_path, init=False)
    try:
        inst.assert_answers()
    finally:
        assert inst.stop() == 0, inst.log()
    assert key_record(dir_path) == (2, kdf(kdf(k0, 1), 1))
    r = verify(dir_path, "--key", k0_hex)
    assert r.returncode == 0, r.stderr
    assert "holds the key for entry 2" in r.stdout

    # Cutting the last entry off: the unkeyed chain cannot tell, K0 and the key file can.
    con = db(dir_path)
    con.execute("DELETE FROM audit WHERE idx = 1")
    con.commit()
    con.close()
    assert verify(dir_path).returncode == 0
    r = verify(dir_path, "--key", k0_hex)
    assert r.returncode == 1
    assert "cut from the end" in r.stderr


def test_serve_refuses_a_key_file_that_disagrees_with_the_log(instance):
    dir_path, k0 = instance
    set_key_index(dir_path, 5)
    rc, err = serve_expect_exit(dir_path)
    assert rc == 1
    assert "the audit log and keys/instance.key disagree" in err
    assert "last entry is 0" in err and "entry 5" in err
    r = verify(dir_path, "--key", k0)
    assert r.returncode == 1
