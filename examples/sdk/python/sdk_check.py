#!/usr/bin/python3
"""sdk_check.py - Twilio's official Python SDK (Debian's python3-twilio)
against workers-server: the SDK is used exactly as shipped, only its HTTP
client is pointed at the local server.

usage: sdk_check.py PATH/TO/workers-server
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_BASE = "https://taskrouter.twilio.com"
TOKEN = "sdk-check-token"


class LocalHttpClient(TwilioHttpClient):
    """Sends what the SDK addresses to TaskRouter to the local server."""

    def __init__(self, base_url):
        super().__init__(timeout=30)
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_BASE):
            url = self.base_url + url[len(TWILIO_BASE):]
        return super().request(method, url, *args, **kwargs)


class Server:
    """workers-server on a free loopback port, stopped with SIGTERM."""

    def __init__(self, binary, *extra):
        args = [binary, "--listen", "127.0.0.1:0", "--auth-token", TOKEN]
        self.proc = subprocess.Popen(args + list(extra),
                                     stdout=subprocess.PIPE, text=True)
        self.info = {}
        for line in self.proc.stdout:
            key, _, value = line.strip().partition(" ")
            self.info[key] = value.strip()
            if key == "state":
                break
        self.base_url = self.info["base"].split()[-1]
        self.account = self.info["account"]
        self.workspace = self.info["workspace"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        log = self.proc.stdout.read()
        self.proc.wait(timeout=30)
        return self.proc.returncode, log


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        try:
            fn()
        except Exception as e:  # any failure is reported, then we go on
            self.failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
        else:
            self.passed += 1
            print("ok   %s" % name)


def expect_error(status, code, fn, *args, **kwargs):
    """A single-resource call raises TwilioRestException; a list raises
    TwilioException("Unable to fetch page", response) in this SDK."""
    try:
        fn(*args, **kwargs)
    except TwilioRestException as e:
        got = (e.status, e.code, e.msg)
    except TwilioException as e:
        body = json.loads(e.args[1].text)
        got = (e.args[1].status_code, body["code"], body["message"])
    else:
        raise AssertionError("no exception, want %d/%d" % (status, code))
    eq(got[:2], (status, code))
    assert got[2], "no message"


def eq(got, want):
    assert got == want, "got %r, want %r" % (got, want)


ALICE = '{"skills":["support","sales"],"languages":["english"]}'
BOB = '{"skills":["sales"],"languages":["spanish","english"]}'


class Tour:
    """The scenarios, sharing one workspace."""

    def __init__(self, server):
        client = Client(server.account, TOKEN,
                        http_client=LocalHttpClient(server.base_url))
        self.server = server
        self.ws = client.taskrouter.workspaces(server.workspace)
        self.bad_ws = Client(server.account, "wrong",
                             http_client=LocalHttpClient(server.base_url)
                             ).taskrouter.workspaces(server.workspace)
        self.sids = {}

    def activity(self, name):
        found = self.ws.activities.list(friendly_name=name)
        eq(len(found), 1)
        return found[0]

    def create(self):
        alice = self.ws.workers.create(friendly_name="Alice",
                                       attributes=ALICE)
        assert alice.sid.startswith("WK") and len(alice.sid) == 34
        eq(alice.friendly_name, "Alice")
        eq(json.loads(alice.attributes), json.loads(ALICE))
        eq(alice.attributes, ALICE)
        eq(alice.activity_name, "Offline")
        eq(alice.available, False)
        eq(alice.workspace_sid, self.server.workspace)
        eq(alice.account_sid, self.server.account)
        eq(alice.date_created, alice.date_updated)
        assert alice.date_created.year >= 2024
        bob = self.ws.workers.create(friendly_name="Bob", attributes=BOB)
        self.sids = {"Alice": alice.sid, "Bob": bob.sid}

    def fetch(self):
        w = self.ws.workers(self.sids["Bob"]).fetch()
        eq(w.friendly_name, "Bob")
        eq(w.attributes, BOB)
        eq(w.url, "%s/v1/Workspaces/%s/Workers/%s" % (
            self.server.base_url, self.server.workspace, w.sid))
        eq(self.ws.fetch().sid, self.server.workspace)

    def list_filters(self):
        eq([w.friendly_name for w in self.ws.workers.list(
            friendly_name="alice")], ["Alice"])
        eq(len(self.ws.workers.list(activity_name="Offline")), 2)
        eq(len(self.ws.workers.list(available="true")), 0)
        eq(len(self.ws.workers.list(available="false")), 2)
        names = sorted(w.friendly_name for w in self.ws.workers.list(
            target_workers_expression="languages HAS 'spanish'"))
        eq(names, ["Bob"])
        names = sorted(w.friendly_name for w in self.ws.workers.list(
            target_workers_expression="friendly_name IN ['Alice','Bob']"))
        eq(names, ["Alice", "Bob"])

    def queues(self):
        q = self.ws.task_queues.create(
            friendly_name="Support",
            target_workers="skills HAS 'support'")
        assert q.sid.startswith("WQ")
        eq(q.target_workers, "skills HAS 'support'")
        eq([w.friendly_name for w in self.ws.workers.list(
            task_queue_sid=q.sid)], ["Alice"])
        eq([w.friendly_name for w in self.ws.workers.list(
            task_queue_name="support")], ["Alice"])

    def activity_change(self):
        avail = self.activity("Available")
        eq(avail.available, True)
        w = self.ws.workers(self.sids["Alice"]).update(
            activity_sid=avail.sid)
        eq(w.activity_name, "Available")
        eq(w.available, True)
        eq([x.friendly_name for x in self.ws.workers.list(
            available="True")], ["Alice"])
        eq([x.friendly_name for x in self.ws.workers.list(
            activity_sid=avail.sid)], ["Alice"])

    def update_if_match(self):
        bob = self.ws.workers(self.sids["Bob"])
        w = bob.update(attributes='{"skills":["sales","vip"]}', if_match="0")
        eq(w.attributes, '{"skills":["sales","vip"]}')
        w = bob.update(friendly_name="Robert", if_match='"1"')
        eq(w.friendly_name, "Robert")
        w = bob.update(friendly_name="Bob")
        eq(w.friendly_name, "Bob")
        expect_error(412, 20412, bob.update, friendly_name="Bobby",
                     if_match="1")
        eq(bob.fetch().friendly_name, "Bob")

    def errors(self):
        expect_error(409, 20001, self.ws.workers.create,
                     friendly_name="ALICE")
        expect_error(400, 20001, self.ws.workers.create,
                     friendly_name="Carol", attributes="[1,2]")
        expect_error(400, 20001, self.ws.workers.list,
                     target_workers_expression="skills HAS")
        expect_error(404, 20404,
                     self.ws.workers("WK" + "0" * 32).fetch)
        expect_error(404, 20404, self.ws.workers("WKnope").update,
                     friendly_name="x")
        expect_error(400, 20001, self.ws.workers(self.sids["Bob"]).update,
                     activity_sid="WA" + "0" * 32)
        expect_error(401, 20003, self.bad_ws.workers.list)

    def paging(self):
        for i in range(120):
            self.ws.workers.create(friendly_name="page-%03d" % i,
                                   attributes='{"batch":"p","n":%d}' % i)
        seen = [w.friendly_name for w in self.ws.workers.stream(
            target_workers_expression="batch == 'p'", page_size=50)]
        eq(len(seen), 120)
        eq(sorted(seen), ["page-%03d" % i for i in range(120)])
        page = self.ws.workers.page(page_size=50,
                                    target_workers_expression="n >= 0")
        count, pages = 0, 0
        while page is not None:
            n = len(list(page))
            count += n
            pages += 1
            assert n <= 50
            page = page.next_page()
        eq((count, pages), (120, 3))
        eq(len(self.ws.workers.list(limit=70, page_size=25)), 70)
        eq(len(self.ws.workers.list()), 122)

    def delete(self):
        bob = self.ws.workers(self.sids["Bob"])
        expect_error(412, 20412, bob.delete, if_match="0")
        eq(bob.delete(if_match="3"), True)
        expect_error(404, 20404, bob.fetch)
        expect_error(404, 20404, bob.delete)
        eq(self.ws.workers(self.sids["Alice"]).delete(), True)
        self.ws.workers.create(friendly_name="Bob", attributes=BOB)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else \
        "build/examples/workers-server"
    checks = Checks()
    state = os.path.join(tempfile.mkdtemp(prefix="sdk-python-"), "ws.json")
    server = Server(binary, "--state", state)
    tour = Tour(server)
    for name in ("create", "fetch", "list_filters", "queues",
                 "activity_change", "update_if_match", "errors", "paging",
                 "delete"):
        checks.run(name, getattr(tour, name))
    rc, log = server.stop()

    def shutdown():
        eq(rc, 0)
        assert "stopping on SIGTERM" in log, log[-200:]
        eq(len([l for l in log.splitlines() if l.startswith("GET ")]) > 5,
           True)
    checks.run("clean_shutdown", shutdown)

    def restore():
        again = Server(binary, "--state", state)
        try:
            eq(again.workspace, server.workspace)
            ws = Tour(again).ws
            eq(len(ws.workers.list(page_size=1000)), 121)
            eq(ws.workers.list(friendly_name="Bob")[0].attributes, BOB)
        finally:
            eq(again.stop()[0], 0)
    checks.run("state_restored", restore)

    print("sdk-python: %d passed, %d failed" % (checks.passed,
                                                 checks.failed))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
