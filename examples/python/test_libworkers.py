#!/usr/bin/python3
"""test_libworkers.py - tests of the ctypes binding (libworkers.py)
against the real shared library.  Run: python3 test_libworkers.py"""
import gc
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import libworkers  # noqa: E402
from libworkers import Workspace  # noqa: E402

ALICE = '{"skills":["support","sales"],"languages":["english"]}'
BOB = '{"skills":["sales"],"languages":["spanish","english"]}'
START = 1736154000000  # 2025-01-06T09:00:00Z


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


class Base(unittest.TestCase):
    def setUp(self):
        self.clock = Clock()
        self.ws = Workspace(friendly_name="Tests", clock=self.clock)
        self.alice = self.ws.create_worker("Alice", ALICE)
        self.bob = self.ws.create_worker("Bob", BOB)

    def tearDown(self):
        self.ws.close()

    def names(self, workers):
        return sorted(w.friendly_name for w in workers)


class TestWorkers(Base):
    def test_create_reads_back(self):
        a = self.alice
        self.assertRegex(a.sid, r"^WK[0-9a-f]{32}$")
        self.assertEqual(a.friendly_name, "Alice")
        self.assertEqual(a.attributes, ALICE)
        self.assertEqual(a.attributes_dict["languages"], ["english"])
        self.assertEqual(a.activity_name, "Offline")
        self.assertFalse(a.available)
        self.assertEqual(a.version, 0)
        self.assertEqual(a.workspace_sid, self.ws.sid)
        self.assertEqual(a.account_sid, self.ws.account_sid)
        self.assertEqual(a.date_created.isoformat(),
                         "2025-01-06T09:00:00+00:00")
        self.assertEqual(len(self.ws), 2)

    def test_attributes_from_dict_and_default(self):
        w = self.ws.create_worker("Connie", {"level": 3})
        self.assertEqual(w.attributes, '{"level":3}')
        self.assertEqual(self.ws.create_worker("David").attributes, "{}")

    def test_fetch_and_unicode_names(self):
        w = self.ws.create_worker("Zoë", None)
        self.assertEqual(self.ws.fetch_worker(w.sid).friendly_name, "Zoë")
        self.assertEqual(self.ws.fetch_worker(self.bob.sid).attributes, BOB)

    def test_update_bumps_version_and_snapshot_stays(self):
        self.clock.now += 5000
        after = self.ws.update_worker(self.bob.sid, friendly_name="Robert",
                                      if_match=0)
        self.assertEqual(after.version, 1)
        self.assertEqual(after.friendly_name, "Robert")
        self.assertEqual(self.bob.friendly_name, "Bob")  # old snapshot
        self.assertEqual((after.date_updated - after.date_created)
                         .total_seconds(), 5)

    def test_activity_change(self):
        avail = self.ws.activity("available")
        self.assertTrue(avail.available)
        w = self.ws.update_worker(self.alice.sid, activity_sid=avail.sid)
        self.assertTrue(w.available)
        self.assertEqual(w.activity_name, "Available")
        self.assertEqual(self.names(self.ws.workers(available="true")),
                         ["Alice"])

    def test_if_match_text_forms(self):
        self.ws.update_worker(self.bob.sid, attributes="{}", if_match='"0"')
        self.ws.update_worker(self.bob.sid, attributes='{"a":1}',
                              if_match=" 1 ")
        self.ws.update_worker(self.bob.sid, attributes='{"a":2}',
                              if_match="*")
        self.assertEqual(self.ws.fetch_worker(self.bob.sid).version, 3)

    def test_delete(self):
        self.ws.delete_worker(self.bob.sid, if_match=0)
        with self.assertRaises(libworkers.NotFoundError):
            self.ws.fetch_worker(self.bob.sid)
        self.assertEqual(len(self.ws), 1)
        self.ws.create_worker("Bob")  # the name is free again

    def test_pending_reservations_block_activity_change(self):
        self.ws.set_pending_reservations(self.bob.sid, 2)
        avail = self.ws.activity("Available")
        with self.assertRaises(libworkers.PendingError) as cm:
            self.ws.update_worker(self.bob.sid, activity_sid=avail.sid)
        self.assertEqual(cm.exception.http_status, 409)
        self.assertEqual(cm.exception.twilio_code, 20409)
        off = self.ws.activity("Unavailable")
        w = self.ws.update_worker(self.bob.sid, activity_sid=off.sid,
                                  reject_pending=True)
        self.assertEqual(w.pending_reservations, 0)


class TestErrors(Base):
    def expect(self, cls, code, status, twilio, fn, *args, **kwargs):
        with self.assertRaises(cls) as cm:
            fn(*args, **kwargs)
        e = cm.exception
        self.assertIsInstance(e, libworkers.LibworkersError)
        self.assertEqual((e.code, e.http_status, e.twilio_code),
                         (code, status, twilio))
        self.assertTrue(e.message)
        self.assertEqual(str(e), e.message)
        return e

    def test_duplicate_name(self):
        e = self.expect(libworkers.DuplicateError, 4, 409, 20001,
                        self.ws.create_worker, "ALICE")
        self.assertEqual(e.name, "LW_ERR_DUPLICATE")
        self.assertEqual(len(self.ws), 2)

    def test_precondition(self):
        self.expect(libworkers.PreconditionError, 9, 412, 20412,
                    self.ws.update_worker, self.bob.sid,
                    friendly_name="Robert", if_match=7)
        self.expect(libworkers.PreconditionError, 9, 412, 20412,
                    self.ws.delete_worker, self.bob.sid, if_match="junk")
        self.assertEqual(self.ws.fetch_worker(self.bob.sid).friendly_name,
                         "Bob")

    def test_not_found(self):
        self.expect(libworkers.NotFoundError, 3, 404, 20404,
                    self.ws.fetch_worker, "WK" + "0" * 32)
        self.expect(libworkers.NotFoundError, 3, 404, 20404,
                    self.ws.delete_worker, "nonsense")

    def test_invalid_inputs(self):
        self.expect(libworkers.InvalidError, 1, 400, 20001,
                    self.ws.create_worker, "")
        self.expect(libworkers.InvalidError, 1, 400, 20001,
                    self.ws.create_worker, "Carol", "[1]")
        self.expect(libworkers.ParseError, 2, 400, 20001,
                    self.ws.create_worker, "Carol", "{nope")
        self.expect(libworkers.InvalidError, 1, 400, 20001,
                    self.ws.update_worker, self.bob.sid,
                    activity_sid="WA" + "0" * 32)
        self.expect(libworkers.TooLargeError, 13, 400, 20001,
                    self.ws.create_worker, "Big",
                    {"x": "y" * 5000})

    def test_bad_expression_has_offset(self):
        e = self.expect(libworkers.ParseError, 2, 400, 20001,
                        self.ws.list_workers, target_workers="skills HAS")
        self.assertEqual(e.offset, 10)
        e = self.expect(libworkers.ParseError, 2, 400, 20001,
                        self.ws.create_task_queue, "Q", "a ==")
        self.assertGreaterEqual(e.offset, 0)

    def test_cap(self):
        ws = Workspace(worker_cap=1)
        ws.create_worker("One")
        self.expect(libworkers.LimitError, 6, 409, 20409,
                    ws.create_worker, "Two")
        ws.close()

    def test_closed_workspace(self):
        self.ws.close()
        with self.assertRaises(libworkers.InvalidError):
            self.ws.fetch_worker(self.bob.sid)


class TestListing(Base):
    def setUp(self):
        super().setUp()
        for i in range(23):
            self.ws.create_worker("w%02d" % i, {"n": i, "even": i % 2 == 0})

    def test_iterates_every_page_once(self):
        seen = [w.friendly_name for w in self.ws.workers(page_size=5)]
        self.assertEqual(len(seen), 25)
        self.assertEqual(len(set(seen)), 25)

    def test_page_tokens(self):
        first = self.ws.page(page_size=10)
        self.assertEqual(len(first), 10)
        self.assertIsNone(first.previous_token)
        self.assertTrue(first.next_token.startswith("PA"))
        second = self.ws.page(page_size=10, page_token=first.next_token)
        self.assertTrue(second.previous_token.startswith("PB"))
        self.assertEqual(
            set(w.sid for w in first) & set(w.sid for w in second), set())

    def test_filters(self):
        self.assertEqual(self.names(self.ws.workers(friendly_name="BOB")),
                         ["Bob"])
        self.assertEqual(len(self.ws.list_workers(
            target_workers="even == true AND n < 10")), 5)
        self.assertEqual(self.names(self.ws.workers(
            target_workers="friendly_name IN ['Alice','Bob','Nobody']")),
            ["Alice", "Bob"])
        self.assertEqual(len(self.ws.list_workers(activity_name="offline")),
                         25)
        self.assertEqual(self.ws.list_workers(activity_sid="WAnope"), [])
        self.assertEqual(len(self.ws.list_workers(limit=7)), 7)

    def test_queue_eligibility(self):
        q = self.ws.create_task_queue("Spanish",
                                      "languages HAS 'spanish'")
        self.assertEqual(q.target_workers, "languages HAS 'spanish'")
        self.assertEqual(self.names(self.ws.workers(task_queue_sid=q.sid)),
                         ["Bob"])
        self.assertEqual(self.names(self.ws.workers(
            task_queue_name="spanish")), ["Bob"])

    def test_ordering(self):
        self.clock.now += 1000
        avail = self.ws.activity("Available")
        self.ws.update_worker(self.alice.sid, activity_sid=avail.sid)
        last = self.ws.list_workers(ordering="DateStatusChanged:asc")[-1]
        self.assertEqual(last.friendly_name, "Alice")
        first = self.ws.list_workers(ordering="DateStatusChanged:desc")[0]
        self.assertEqual(first.friendly_name, "Alice")
        with self.assertRaises(libworkers.InvalidError):
            self.ws.list_workers(ordering="Name")
        with self.assertRaises(TypeError):
            self.ws.list_workers(colour="blue")


class TestExpressions(Base):
    def test_explain_text_says_why(self):
        text = self.ws.explain("languages HAS 'spanish'", self.alice)
        self.assertIn("languages HAS 'spanish'", text)
        self.assertIn("false", text)

    def test_explain_json(self):
        doc = self.ws.explain("skills HAS 'sales' AND friendly_name == "
                              "'Alice'", self.alice, as_json=True)
        self.assertIs(doc["result"], True)
        self.assertGreaterEqual(len(doc["steps"]), 2)

    def test_matches_sees_builtins(self):
        self.assertTrue(self.ws.matches("activity_name == 'Offline'",
                                        self.bob))
        self.assertFalse(self.ws.matches("skills HAS 'support'", self.bob))


class TestWorkspace(unittest.TestCase):
    def test_export_import_round_trip(self):
        ws = Workspace(account_sid="AC" + "1" * 32,
                       workspace_sid="WS" + "2" * 32,
                       base_url="http://localhost:8080/")
        w = ws.create_worker("Alice", ALICE)
        ws.update_worker(w.sid, friendly_name="Alicia")
        text = ws.export()
        again = Workspace.import_(text)
        self.assertEqual(again.sid, "WS" + "2" * 32)
        self.assertEqual(again.account_sid, "AC" + "1" * 32)
        self.assertEqual(again.fetch_worker(w.sid).version, 1)
        self.assertEqual(again.export(), text)
        ws.close()
        again.close()

    def test_bad_options_and_import(self):
        with self.assertRaises(libworkers.InvalidError):
            Workspace(account_sid="AC123")
        with self.assertRaises(libworkers.ParseError):
            Workspace.import_("not json")
        with self.assertRaises(libworkers.InvalidError):
            Workspace.import_("{}")

    def test_snapshots_outlive_the_workspace(self):
        ws = Workspace()
        w = ws.create_worker("Alice", ALICE)
        ws.close()
        gc.collect()
        self.assertEqual(w.attributes, ALICE)

    def test_threads_share_a_workspace(self):
        ws = Workspace()
        errors = []

        def work(k):
            try:
                for i in range(50):
                    ws.create_worker("t%d-%d" % (k, i), {"k": k})
                    ws.list_workers(target_workers="k == %d" % k)
            except Exception as e:  # reported below
                errors.append(e)
        threads = [threading.Thread(target=work, args=(k,))
                   for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(ws), 200)
        ws.close()

    def test_version(self):
        self.assertRegex(libworkers.version(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print("binding-python: %d passed, %d failed"
          % (result.testsRun - failed, failed))
    sys.exit(1 if failed or not result.testsRun else 0)
