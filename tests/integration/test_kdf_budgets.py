"""Each purpose of Argon2id has its own waiting places in the worker pool (issue 9: "one
queue for every Argon2id": 100 threads of random-name logins got a real coordinator,
help submissions and mailbox opens all answered 503). A bounded flood of logins with
random names must not turn away a help request, a mailbox opening, a signed-in member's
work, nor (when it comes from one browser) a real coordinator's login.

The instance runs at production cost (256 MiB, 3 passes) with kdf_threads = 1, so each
derivation takes a real fraction of a second and a flood of a few threads keeps the
staff places full for as long as it runs: no test-only slow-down in sava. kdf_queue = 4
is each purpose's places now; in older versions it was the one queue for everything,
so there this test fails (the help request gets the 503 "busy" page)."""
import secrets
import threading
import time

import requests

from conftest import HTTP_TIMEOUT, TIMEOUT_SCALE, start_instance
from intake_util import Requester, coordinator, find_csrf, receipt_of
from test_staff import NEW_PASSPHRASE, PASSPHRASE

FLOOD_SECONDS = 90 * TIMEOUT_SCALE   # an upper bound: the flood stops when the test is done
FLOOD_PER_THREAD = 2000              # and never sends more than this per thread


class LoginFlood:
    """threads x browsers posting logins with random names and passphrases, until
    stopped (bounded in time and count). Counts the answers by status."""

    def __init__(self, inst, browsers, threads_per_browser):
        self.inst = inst
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.codes = {}
        self.errors = []
        self.threads = []
        for _ in range(browsers):
            s = requests.Session()
            r = s.get(inst.url("/en/staff/login"), timeout=HTTP_TIMEOUT)
            token = find_csrf(r.text)
            assert token
            for _ in range(threads_per_browser):
                self.threads.append(threading.Thread(target=self._run, args=(s, token), daemon=True))

    def _run(self, s, token):
        deadline = time.monotonic() + FLOOD_SECONDS
        for _ in range(FLOOD_PER_THREAD):
            if self.stop_event.is_set() or time.monotonic() > deadline:
                return
            try:
                r = s.post(self.inst.url("/en/staff/login"), allow_redirects=False, timeout=HTTP_TIMEOUT * 6,
                           data={"csrf": token, "handle": "x" + secrets.token_hex(6),
                                 "passphrase": secrets.token_hex(12), "totp": "%06d" % secrets.randbelow(10 ** 6)})
                code = r.status_code
            except requests.RequestException as e:
                with self.lock:
                    self.errors.append(repr(e))
                return
            with self.lock:
                self.codes[code] = self.codes.get(code, 0) + 1
            if code == 503:
                time.sleep(0.05)   # refused at once: do not spin

    def busy(self):
        with self.lock:
            return self.codes.get(503, 0)

    def start(self):
        for t in self.threads:
            t.start()
        # The flood is effective: it has had its own logins refused as busy.
        deadline = time.monotonic() + 60 * TIMEOUT_SCALE
        while self.busy() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.busy() > 0, f"the flood never filled the staff places: {self.codes} {self.errors}"

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(HTTP_TIMEOUT * 7)
        assert not any(t.is_alive() for t in self.threads)
        assert not self.errors, self.errors
        # Every flood login was answered: denied (200) or busy (503), nothing else.
        assert set(self.codes) <= {200, 503}, self.codes


def test_a_login_flood_leaves_help_the_mailbox_and_staff_work_alone(tmp_path):
    inst = start_instance(tmp_path, fast=False,
                          conf={("server", "kdf_threads"): "1", ("server", "kdf_queue"): "4"})
    try:
        anna = coordinator(inst)          # her first login makes the triage key
        receipt = Requester(inst).submit_ok("MARKER a request before the flood")

        # One browser floods: it may hold at most half of the staff places, and the
        # help and mailbox places are never its to take.
        flood = LoginFlood(inst, browsers=1, threads_per_browser=8)
        flood.start()
        try:
            before = flood.busy()
            r = Requester(inst).submit("MARKER a request during the flood")
            assert r.status_code == 200, f"help during a login flood: {r.status_code}\n{r.text[:2000]}"
            receipt_of(r)                             # the receipt is shown
            Requester(inst).open_ok(receipt)          # 303, then the mailbox
            anna.login()                              # asserts 303: a real login gets through
            assert flood.busy() > before              # the flood was refused meanwhile
        finally:
            flood.stop()

        # Many browsers flood: they fill the login places (three quarters of staff's),
        # yet a help request and a signed-in coordinator's passphrase change still pass.
        flood = LoginFlood(inst, browsers=4, threads_per_browser=2)
        flood.start()
        try:
            before = flood.busy()
            r = Requester(inst).submit("MARKER another request during the flood")
            assert r.status_code == 200, f"help during a login flood: {r.status_code}\n{r.text[:2000]}"
            page = anna.get("/en/staff/passphrase")
            r = anna.post("/en/staff/passphrase", data={"csrf": find_csrf(page.text), "current": PASSPHRASE,
                                                        "new": NEW_PASSPHRASE, "again": NEW_PASSPHRASE})
            assert r.status_code == 200 and "is changed" in r.text, f"{r.status_code}\n{r.text[:2000]}"
            assert flood.busy() > before
        finally:
            flood.stop()
        inst.assert_answers()
    finally:
        assert inst.stop() == 0
