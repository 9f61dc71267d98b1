"""Lifecycle: SIGTERM and SIGINT stop the server cleanly (status 0, "stopped", an intact
database), even with connections open, and a request in flight gets its answer."""

import os
import signal
import socket
import sqlite3
import time

import pytest

from conftest import HTTP_TIMEOUT, STOP_TIMEOUT, Visitor, parse_response


def integrity(db_path):
    con = sqlite3.connect(str(db_path), timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def wait_for_log(inst, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in inst.log():
            return True
        if not inst.alive():
            return text in inst.log()
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_cleanly(make_instance, sig):
    inst = make_instance()
    inst.assert_answers()
    Visitor(inst).post([("receipt", "1234 5678 9012 3456")])
    rc = inst.stop(sig, timeout=STOP_TIMEOUT)
    assert not inst.killed, f"sava did not exit within {STOP_TIMEOUT} s of {sig.name}"
    assert rc == 0
    assert inst.log().rstrip().endswith("stopped"), inst.log()[-500:]
    assert integrity(inst.dir / "sava.db") == [("ok",)]


def test_open_keepalive_connection_does_not_block_exit(make_instance):
    inst = make_instance()
    conn = inst.http_conn()
    try:
        conn.request("GET", "/en/guide", headers={"Connection": "keep-alive"})
        r = conn.getresponse()
        assert r.status == 200
        r.read()
        # A second connection that has sent nothing at all.
        idle = inst.connect()
        try:
            rc = inst.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
        finally:
            idle.close()
    finally:
        conn.close()
    assert not inst.killed, f"sava did not exit within {STOP_TIMEOUT} s with a keep-alive connection open"
    assert rc == 0
    assert inst.log().rstrip().endswith("stopped")


def test_request_in_flight_gets_its_answer(make_instance):
    """A POST whose body is still arriving when SIGTERM comes is finished and answered."""
    inst = make_instance()
    v = Visitor(inst)
    body = f"csrf={v.token}&receipt=1234+5678+9012+3456".encode()
    head = (f"POST /en/mailbox HTTP/1.1\r\nHost: 127.0.0.1:{inst.port}\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nCookie: {v.cookie_header}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    s = inst.connect()
    try:
        s.sendall(head + body[:10])
        time.sleep(0.2)   # let the server take the headers
        os.kill(inst.pid, signal.SIGTERM)
        assert wait_for_log(inst, "stopping", HTTP_TIMEOUT) or not inst.alive()
        s.sendall(body[10:])
        data = b""
        deadline = time.monotonic() + HTTP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, TimeoutError, OSError):
                break
            if not b:
                break
            data += b
    finally:
        s.close()
    rc = inst.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
    assert data, "the request in flight got no answer"
    r = parse_response(data)
    assert r.status == 200, data[:300]
    assert '<html lang="en">' in r.text
    assert rc == 0
    assert inst.log().rstrip().endswith("stopped")


def test_no_new_connections_after_stop(make_instance):
    inst = make_instance()
    port = inst.port
    assert inst.stop() == 0
    with pytest.raises(OSError):
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.settimeout(2)
            s.sendall(b"GET /en/ HTTP/1.1\r\nHost: a\r\n\r\n")
            if not s.recv(10):
                raise ConnectionResetError("closed")
