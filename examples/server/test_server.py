#!/usr/bin/python3
"""test_server.py - workers-server's own behaviour over plain HTTP: flags,
banner, keep-alive, headers passed to the adapter, the access log, auth,
the state file and shutdown.  usage: test_server.py PATH/TO/workers-server
"""
import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

BINARY = "build/examples/workers-server"
AC = "AC" + "a1" * 16
WS = "WS" + "b2" * 16


class Server:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BINARY, "--listen", "127.0.0.1:0"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.banner = {}
        for line in self.proc.stdout:
            key, _, value = line.rstrip("\n").partition(" ")
            self.banner[key] = value.strip()
            if key == "state":
                break
        self.port = int(self.banner["listening"].rsplit(":", 1)[1])
        self.workspace = self.banner["workspace"]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                               timeout=10)

    def call(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        return r, (json.loads(data) if data else None)

    def workers(self):
        return "/v1/Workspaces/%s/Workers" % self.workspace

    def stop(self, sig=signal.SIGTERM):
        self.conn.close()
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


def run_fail(*args):
    p = subprocess.run([BINARY] + list(args), capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


class TestCommandLine(unittest.TestCase):
    def test_help(self):
        rc, out, _ = run_fail("--help")
        self.assertEqual(rc, 0)
        for flag in ("--listen", "--account-sid", "--auth-token",
                     "--workspace-sid", "--base-url", "--state"):
            self.assertIn(flag, out)

    def test_bad_flags(self):
        self.assertEqual(run_fail("--listen", "nonsense")[0], 2)
        self.assertEqual(run_fail("--threads", "0")[0], 2)
        self.assertEqual(run_fail("--bogus")[0], 2)
        rc, _, err = run_fail("--listen", "127.0.0.1:0", "--account-sid",
                              "AC12")
        self.assertEqual(rc, 1)
        self.assertIn("account-sid", err)


class TestServing(unittest.TestCase):
    def setUp(self):
        self.s = Server("--account-sid", AC, "--workspace-sid", WS)

    def tearDown(self):
        if self.s.proc.poll() is None:
            self.s.stop()

    def test_banner_and_links(self):
        self.assertEqual(self.s.workspace, WS)
        self.assertEqual(self.s.banner["account"], AC)
        base = "http://127.0.0.1:%d" % self.s.port
        self.assertEqual(self.s.banner["base"], "url     " + base)
        r, body = self.s.call("POST", self.s.workers(),
                              {"FriendlyName": "Alice"})
        self.assertEqual(r.status, 201)
        self.assertEqual(r.getheader("ETag"), "0")
        self.assertTrue(body["url"].startswith(base + "/v1/Workspaces/"))

    def test_keep_alive_and_paging_links(self):
        for i in range(5):
            r, _ = self.s.call("POST", self.s.workers(),
                               {"FriendlyName": "w%d" % i})
            self.assertEqual(r.status, 201)
        sock = self.s.conn.sock
        r, body = self.s.call("GET", self.s.workers() + "?PageSize=2")
        self.assertIs(self.s.conn.sock, sock)  # same connection
        nxt = urllib.parse.urlsplit(body["meta"]["next_page_url"])
        self.assertEqual(nxt.port, self.s.port)
        r, body = self.s.call("GET", nxt.path + "?" + nxt.query)
        self.assertEqual(len(body["workers"]), 2)

    def test_if_match_headers_reach_the_adapter(self):
        _, w = self.s.call("POST", self.s.workers(), {"FriendlyName": "A"})
        path = self.s.workers() + "/" + w["sid"]
        r, body = self.s.call("POST", path, {"FriendlyName": "B"},
                              {"If-Match": "7"})
        self.assertEqual((r.status, body["code"]), (412, 20412))
        self.s.conn.putrequest("POST", path)
        self.s.conn.putheader("If-Match", "0")
        self.s.conn.putheader("If-Match", "0")
        self.s.conn.putheader("Content-Length", "0")
        self.s.conn.endheaders()
        r = self.s.conn.getresponse()
        r.read()
        self.assertEqual(r.status, 412)  # several If-Match never match
        r, body = self.s.call("POST", path, {"FriendlyName": "B"},
                              {"If-Match": '"0"'})
        self.assertEqual((r.status, body["friendly_name"]), (200, "B"))

    def test_raw_query_is_passed(self):
        # '+' is a space and %XX escapes are the adapter's to decode.
        self.s.call("POST", self.s.workers(), {"FriendlyName": "Ann Lee"})
        r, body = self.s.call("GET", self.s.workers() +
                              "?FriendlyName=ann+lee")
        self.assertEqual(len(body["workers"]), 1)
        r, body = self.s.call("GET", self.s.workers() +
                              "?FriendlyName=%ZZ")
        self.assertEqual(r.status, 400)

    def test_parallel_clients(self):
        def work(k, errors):
            conn = http.client.HTTPConnection("127.0.0.1", self.s.port,
                                              timeout=10)
            for i in range(40):
                conn.request("POST", self.s.workers(),
                             body="FriendlyName=c%d-%d" % (k, i),
                             headers={"Content-Type":
                                      "application/x-www-form-urlencoded"})
                r = conn.getresponse()
                r.read()
                if r.status != 201:
                    errors.append(r.status)
            conn.close()
        errors = []
        threads = [threading.Thread(target=work, args=(k, errors))
                   for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        r, body = self.s.call("GET", self.s.workers() + "?PageSize=1000")
        self.assertEqual(len(body["workers"]), 160)

    def test_head_is_refused_without_body(self):
        r, _ = self.s.call("HEAD", self.s.workers())
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.getheader("Allow"))
        _, out, _ = self.s.stop()
        self.assertRegex(out, r"HEAD /v1/\S+ 405 0 \d+us")

    def test_large_body_refused(self):
        r, body = self.s.call("POST", self.s.workers(),
                              {"FriendlyName": "x" * (1 << 20)})
        self.assertEqual((r.status, body["code"]), (400, 20001))

    def test_access_log(self):
        self.s.call("GET", self.s.workers() + "?PageSize=1")
        self.s.call("GET", "/nowhere")
        rc, out, _ = self.s.stop(signal.SIGINT)
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^GET /v1/Workspaces/WS\w+/Workers "
                                   r"200 \d+ \d+us$")
        self.assertRegex(lines[1], r"^GET /nowhere 404 \d+ \d+us$")
        self.assertEqual(lines[-1], "stopping on SIGINT")


class TestAuth(unittest.TestCase):
    def test_basic_auth(self):
        s = Server("--auth-token", "tok")
        try:
            r, body = s.call("GET", s.workers())
            self.assertEqual((r.status, body["code"]), (401, 20003))
            self.assertIn("Basic", r.getheader("WWW-Authenticate"))
            good = base64.b64encode(
                ("%s:tok" % s.banner["account"]).encode()).decode()
            r, _ = s.call("GET", s.workers(),
                          headers={"Authorization": "Basic " + good})
            self.assertEqual(r.status, 200)
        finally:
            s.stop()


class TestState(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="workers-server-")
        self.file = os.path.join(self.dir, "ws.json")

    def test_saved_and_restored(self):
        s = Server("--state", self.file, "--base-url", "http://example.test")
        _, w = s.call("POST", s.workers(), {"FriendlyName": "Alice"})
        self.assertTrue(w["url"].startswith("http://example.test/v1/"))
        s.call("POST", s.workers() + "/" + w["sid"], {"FriendlyName": "Al"})
        self.assertEqual(s.stop()[0], 0)
        self.assertEqual(os.listdir(self.dir), ["ws.json"])  # no temp left

        again = Server("--state", self.file)
        try:
            self.assertEqual(again.workspace, s.workspace)
            self.assertEqual(again.banner["workers"], "1")
            r, body = again.call("GET", again.workers() + "/" + w["sid"])
            self.assertEqual((body["friendly_name"], r.getheader("ETag")),
                             ("Al", "1"))
            # Links follow this run's address, not the saved one.
            self.assertTrue(body["url"].startswith(
                "http://127.0.0.1:%d/" % again.port))
        finally:
            again.stop()

    def test_refuses_foreign_or_broken_state(self):
        s = Server("--state", self.file)
        s.stop()
        rc, _, err = run_fail("--listen", "127.0.0.1:0", "--state",
                              self.file, "--workspace-sid", WS)
        self.assertEqual(rc, 1)
        self.assertIn("holds workspace", err)
        with open(self.file, "w") as f:
            f.write("{\"format\": 1")
        rc, _, err = run_fail("--listen", "127.0.0.1:0", "--state",
                              self.file)
        self.assertEqual(rc, 1)
        self.assertIn("is not valid JSON", err)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        BINARY = sys.argv.pop(1)
    result = unittest.main(exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print("server: %d passed, %d failed" % (result.testsRun - failed,
                                             failed))
    sys.exit(1 if failed or not result.testsRun else 0)
