#!/usr/bin/env node
// sdk_check.js - Twilio's official Node SDK (npm "twilio" 5.x, which runs
// on Debian 12's Node 18; pinned in package-lock.json) against
// workers-server.  The SDK is used as shipped; only
// client.taskrouter.baseUrl points at the local server.
//
// usage: node sdk_check.js PATH/TO/workers-server
"use strict";

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");
const twilio = require("twilio");

const TOKEN = "sdk-check-token";
const ALICE = '{"skills":["support","sales"],"languages":["english"]}';
const BOB = '{"skills":["sales"],"languages":["spanish","english"]}';

// workers-server on a free loopback port; resolves once it has printed
// its banner (the last banner line is "state ...").
function startServer(binary, extra) {
  const args = ["--listen", "127.0.0.1:0", "--auth-token", TOKEN];
  const proc = spawn(binary, args.concat(extra || []),
                     { stdio: ["ignore", "pipe", "inherit"] });
  const info = { proc, log: [] };
  const lines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    proc.on("error", reject);
    proc.on("exit", (code) => reject(new Error("server exited " + code)));
    lines.on("line", (line) => {
      info.log.push(line);
      const m = /^(\S+)\s+(.*)$/.exec(line);
      if (!m || info.ready) return;
      info[m[1]] = m[2].trim();
      if (m[1] === "state") {
        info.ready = true;
        info.baseUrl = info.base.split(/\s+/).pop();
        resolve(info);
      }
    });
  });
}

function stopServer(info) {
  return new Promise((resolve) => {
    info.proc.removeAllListeners("exit");
    info.proc.on("exit", (code) => resolve(code));
    info.proc.kill("SIGTERM");
  });
}

function clientFor(info, token) {
  const client = twilio(info.account, token || TOKEN);
  client.taskrouter.baseUrl = info.baseUrl;
  return client.taskrouter.v1.workspaces(info.workspace);
}

// The promise must reject with the SDK's RestException carrying status
// and code.
async function expectError(status, code, promise) {
  let err = null;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `no error, want ${status}/${code}`);
  assert.equal(err.constructor.name, "RestException");
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  assert.ok(err.message && err.message.length > 0);
  assert.equal(err.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
}

const names = (list) => list.map((w) => w.friendlyName).sort();

function scenarios(info, ws) {
  const sids = {};
  const activity = async (name) => {
    const found = await ws.activities.list({ friendlyName: name });
    assert.equal(found.length, 1);
    return found[0];
  };

  return {
    async create() {
      const a = await ws.workers.create({ friendlyName: "Alice",
                                          attributes: ALICE });
      assert.match(a.sid, /^WK[0-9a-f]{32}$/);
      assert.equal(a.friendlyName, "Alice");
      assert.equal(a.attributes, ALICE);
      assert.equal(a.activityName, "Offline");
      assert.equal(a.available, false);
      assert.equal(a.workspaceSid, info.workspace);
      assert.equal(a.accountSid, info.account);
      assert.ok(a.dateCreated instanceof Date);
      assert.equal(a.dateCreated.getTime(), a.dateUpdated.getTime());
      const b = await ws.workers.create({ friendlyName: "Bob",
                                          attributes: BOB });
      sids.Alice = a.sid;
      sids.Bob = b.sid;
    },

    async fetch() {
      const w = await ws.workers(sids.Bob).fetch();
      assert.equal(w.friendlyName, "Bob");
      assert.equal(w.attributes, BOB);
      assert.equal(w.url, `${info.baseUrl}/v1/Workspaces/${info.workspace}` +
                   `/Workers/${sids.Bob}`);
      assert.equal((await ws.fetch()).sid, info.workspace);
    },

    async listFilters() {
      assert.deepEqual(names(await ws.workers.list({ friendlyName: "ALICE" })),
                       ["Alice"]);
      assert.equal((await ws.workers.list({ activityName: "offline" }))
                   .length, 2);
      assert.equal((await ws.workers.list({ available: "true" })).length, 0);
      assert.deepEqual(names(await ws.workers.list({
        targetWorkersExpression: "languages HAS 'spanish'" })), ["Bob"]);
      assert.deepEqual(names(await ws.workers.list({
        targetWorkersExpression: "friendly_name IN ['Alice','Bob']" })),
                       ["Alice", "Bob"]);
    },

    async queues() {
      const q = await ws.taskQueues.create({
        friendlyName: "Sales", targetWorkers: "skills HAS 'sales'" });
      assert.match(q.sid, /^WQ/);
      assert.deepEqual(names(await ws.workers.list({ taskQueueSid: q.sid })),
                       ["Alice", "Bob"]);
      assert.deepEqual(names(await ws.workers.list({
        taskQueueName: "SALES", targetWorkersExpression:
          "languages HAS 'spanish'" })), ["Bob"]);
    },

    async activityChange() {
      const avail = await activity("Available");
      assert.equal(avail.available, true);
      const w = await ws.workers(sids.Alice).update({
        activitySid: avail.sid });
      assert.equal(w.activityName, "Available");
      assert.equal(w.available, true);
      assert.deepEqual(names(await ws.workers.list({ available: "1" })),
                       ["Alice"]);
    },

    async updateIfMatch() {
      const bob = ws.workers(sids.Bob);
      let w = await bob.update({ attributes: '{"skills":["sales","vip"]}',
                                 ifMatch: "0" });
      assert.equal(w.attributes, '{"skills":["sales","vip"]}');
      w = await bob.update({ friendlyName: "Robert", ifMatch: '"1"' });
      assert.equal(w.friendlyName, "Robert");
      w = await bob.update({ friendlyName: "Bob" });
      assert.equal(w.friendlyName, "Bob");
      await expectError(412, 20412, bob.update({ friendlyName: "Bobby",
                                                 ifMatch: "1" }));
      assert.equal((await bob.fetch()).friendlyName, "Bob");
    },

    async errors() {
      await expectError(409, 20001, ws.workers.create({
        friendlyName: "alice" }));
      await expectError(400, 20001, ws.workers.create({
        friendlyName: "Carol", attributes: "{not json" }));
      await expectError(400, 20001, ws.workers.list({
        targetWorkersExpression: "skills HAS" }));
      await expectError(404, 20404, ws.workers("WK" + "0".repeat(32))
                        .fetch());
      await expectError(400, 20001, ws.workers(sids.Bob).update({
        activitySid: "WA" + "0".repeat(32) }));
      await expectError(401, 20003, clientFor(info, "wrong").workers.list());
    },

    async paging() {
      for (let i = 0; i < 120; i++) {
        await ws.workers.create({
          friendlyName: "page-" + String(i).padStart(3, "0"),
          attributes: JSON.stringify({ batch: "p", n: i }) });
      }
      const seen = [];
      await ws.workers.each({ pageSize: 50,
                              targetWorkersExpression: "batch == 'p'" },
                            (w) => { seen.push(w.friendlyName); });
      assert.equal(seen.length, 120);
      assert.equal(new Set(seen).size, 120);
      let page = await ws.workers.page({ pageSize: 50 });
      let count = 0;
      let pages = 0;
      while (page) {
        assert.ok(page.instances.length <= 50);
        count += page.instances.length;
        pages += 1;
        page = await page.nextPage();
      }
      assert.deepEqual([count, pages], [122, 3]);
      assert.equal((await ws.workers.list({ limit: 70, pageSize: 25 }))
                   .length, 70);
    },

    async remove() {
      const bob = ws.workers(sids.Bob);
      await expectError(412, 20412, bob.remove({ ifMatch: "0" }));
      assert.equal(await bob.remove({ ifMatch: "3" }), true);
      await expectError(404, 20404, bob.fetch());
      await expectError(404, 20404, bob.remove());
      assert.equal(await ws.workers(sids.Alice).remove(), true);
    },
  };
}

async function main() {
  const binary = process.argv[2] || "build/examples/workers-server";
  const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(),
                                                   "sdk-node-")), "ws.json");
  let passed = 0;
  let failed = 0;
  const check = async (name, fn) => {
    try {
      await fn();
      passed++;
      console.log("ok   " + name);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  };

  const info = await startServer(binary, ["--state", state]);
  const all = scenarios(info, clientFor(info));
  for (const name of Object.keys(all)) await check(name, all[name]);

  const code = await stopServer(info);
  await check("cleanShutdown", async () => {
    assert.equal(code, 0);
    assert.ok(info.log.includes("stopping on SIGTERM"));
    assert.ok(info.log.some((l) => /^GET \/v1\/\S+ 200 \d+ \d+us$/.test(l)));
  });
  await check("stateRestored", async () => {
    const again = await startServer(binary, ["--state", state]);
    try {
      assert.equal(again.workspace, info.workspace);
      const ws = clientFor(again);
      assert.equal((await ws.workers.list({ pageSize: 1000 })).length, 120);
    } finally {
      assert.equal(await stopServer(again), 0);
    }
  });

  console.log(`sdk-node: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.log("sdk-node: " + e.stack);
  console.log("sdk-node: 0 passed, 1 failed");
  process.exitCode = 1;
});
