"""Key derivations (Argon2id, 256 MiB in production) run on their own bounded pool:
pages keep being served while receipt checks run, and past the queue visitors get the
503 busy page instead of the server running out of memory."""
import re
import sqlite3
import threading
import hashlib

from conftest import sava_init, start_instance


def _token(session, inst):
    r = session.get(inst.url("/en/mailbox"), timeout=10)
    return re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)


def _post_many(inst, n):
    """Starts n receipt checks at once; returns (threads, results list)."""
    import requests
    s = requests.Session()
    tok = _token(s, inst)
    results = []
    lock = threading.Lock()

    def post():
        r = s.post(inst.url("/en/mailbox"), data={"csrf": tok, "receipt": "1234567890123456"}, timeout=120)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=post) for _ in range(n)]
    for t in threads:
        t.start()
    return threads, results


def test_pages_are_served_while_receipt_checks_run(tmp_path):
    # Production cost, one derivation at a time: four checks take seconds.
    inst = start_instance(tmp_path, fast=False, conf={("server", "kdf_threads"): "1"})
    try:
        threads, results = _post_many(inst, 4)
        page = inst.get("/en/guide")
        done_before_page = len(results)
        for t in threads:
            t.join(150)
        assert page.status_code == 200
        # The page did not wait for the queue of derivations to drain.
        assert done_before_page < 4
        assert sorted(r.status_code for r in results) == [200] * 4
        assert all("We could not open a mailbox" in r.text for r in results)
    finally:
        assert inst.stop() == 0


def test_a_full_queue_answers_busy(tmp_path):
    inst = start_instance(tmp_path, fast=False,
                          conf={("server", "kdf_threads"): "1", ("server", "kdf_queue"): "1"})
    try:
        threads, results = _post_many(inst, 6)
        for t in threads:
            t.join(150)
        codes = sorted(r.status_code for r in results)
        assert 503 in codes and 200 in codes, codes
        busy = [r for r in results if r.status_code == 503][0]
        assert "try again in a minute" in busy.text
        assert busy.headers["Cache-Control"] == "no-store"
        inst.assert_answers()
    finally:
        assert inst.stop() == 0


def test_init_chains_the_first_audit_entry_under_the_printed_key(tmp_path):
    r = sava_init(tmp_path / "inst")
    k0 = bytes.fromhex(re.search(r"^\s+([0-9a-f]{64})$", r.stdout, re.M).group(1))
    db = sqlite3.connect(tmp_path / "inst" / "sava.db")
    rows = db.execute("SELECT idx, entry, h, u FROM audit ORDER BY idx").fetchall()
    db.close()
    assert len(rows) == 1
    idx, entry, h, u = rows[0]
    assert idx == 0 and len(entry) == 42
    link = bytes(32) + (0).to_bytes(8, "little") + entry
    assert hashlib.blake2b(link, digest_size=32, key=k0).digest() == h
    assert hashlib.blake2b(link, digest_size=32).digest() == u
    assert int.from_bytes(entry[:8], "little") % 3600 == 0       # hour-rounded time
    assert int.from_bytes(entry[24:26], "little") == 1           # instance created
    # K0 is stored nowhere on disk.
    for path in (tmp_path / "inst").rglob("*"):
        if path.is_file():
            assert k0 not in path.read_bytes(), path
