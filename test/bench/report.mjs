// report.mjs - print "make bench" as tables: libworkers beside each peer
// engine with ratios, the scaling runs, the store operations, and the
// targets of docs/performance.md with a verdict for each.
import { readFileSync } from 'node:fs';

const read = (f) => readFileSync(f, 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => JSON.parse(l));
const [exprFile, scaleFile, storeFile] = process.argv.slice(2);
const expr = read(exprFile);
const scale = read(scaleFile);
const store = read(storeFile);

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1)
  : x.toFixed(2));
const row = (cells) => `| ${cells.join(' | ')} |`;
const peers = ['js', 'filtrex', 'jexl', 'jsonlogic', 'tr-ref'];
const targets = [];

function table(rows, workers) {
  const by = {};
  for (const r of rows) {
    if (!r.engine || (workers && r.workers !== workers)) continue;
    (by[r.id] ??= {})[r.engine] = r;
  }
  return by;
}

function exprTable() {
  const by = table(expr);
  const eng = peers.filter((p) => Object.values(by).some((e) => e[p]));
  console.log('Expression scan, 1000 workers: ns per worker, median (min);'
    + ' ratio = peer min / libworkers min');
  console.log(row(['id', 'libworkers', ...eng.map((e) => `${e} (ratio)`),
    'compile us']));
  console.log(row(Array(eng.length + 3).fill('---')));
  for (const [id, e] of Object.entries(by)) {
    const lw = e.libworkers;
    if (!lw) continue;
    const cells = eng.map((p) => (e[p] ? `${fmt(e[p].ns_per_worker_median)}`
      + ` (${fmt(e[p].ns_per_worker_min / lw.ns_per_worker_min)}x)` : '-'));
    console.log(row([id, `${fmt(lw.ns_per_worker_median)} `
      + `(${fmt(lw.ns_per_worker_min)})`, ...cells, fmt(lw.compile_us)]));
    // The targets are set on medians; the ratio of minimums is shown too.
    const med = (p) => (e[p] ? e[p].ns_per_worker_median
      / lw.ns_per_worker_median : Infinity);
    const min = (p) => (e[p] ? e[p].ns_per_worker_min
      / lw.ns_per_worker_min : Infinity);
    const both = (p) => `${fmt(med(p))} (${fmt(min(p))})`;
    const needJs = id === 'E1' || id === 'E2' ? 2 : 1;
    targets.push([`${id} vs js >= ${needJs}x`, med('js') >= needJs,
      both('js')]);
    targets.push([`${id} vs filtrex >= 10x`, med('filtrex') >= 10,
      both('filtrex')]);
    targets.push([`${id} vs jexl, jsonlogic >= 100x`,
      med('jexl') >= 100 && med('jsonlogic') >= 100,
      `${both('jexl')}, ${both('jsonlogic')}`]);
    targets.push([`${id} compile <= 2 us`, lw.compile_us <= 2,
      fmt(lw.compile_us)]);
  }
  const check = expr.find((r) => r.check);
  console.log(`\nmatch check: ${check && check.ok ? 'ok' : 'FAILED'}`
    + ` (${check ? check.cpu_model : '?'}, node ${check ? check.node : '?'})`);
}

function scaleTable() {
  if (!scale.length) return;
  console.log('\nScaling: ns per worker, median (min)');
  console.log(row(['id', 'workers', 'libworkers', 'js']));
  console.log(row(['---', '---:', '---:', '---:']));
  for (const r of scale.filter((x) => x.engine === 'libworkers')) {
    const js = scale.find((x) => x.engine === 'js' && x.id === r.id
      && x.workers === r.workers);
    console.log(row([r.id, r.workers, `${fmt(r.ns_per_worker_median)} `
      + `(${fmt(r.ns_per_worker_min)})`, js ? `${fmt(js.ns_per_worker_median)}`
      + ` (${fmt(js.ns_per_worker_min)})` : '-']));
  }
}

function storeTable() {
  const sizes = [...new Set(store.map((r) => r.workers))];
  const ops = [...new Set(store.map((r) => r.op))];
  console.log('\nStore operations: ns per operation, median (min);'
    + ' list pages through the REST adapter, rendering included');
  console.log(row(['operation', ...sizes.map(String)]));
  console.log(row(['---', ...sizes.map(() => '---:')]));
  for (const op of ops) {
    console.log(row([op, ...sizes.map((n) => {
      const r = store.find((x) => x.op === op && x.workers === n);
      if (!r) return '-';
      if (r.unit === 'bytes/worker') return `${r.beyond_text} B + text`;
      return `${fmt(r.ns)} (${fmt(r.ns_min)})`;
    })]));
  }
  const at = (op) => store.find((x) => x.op === op && x.workers === 1000);
  const t = (name, op, limit) => {
    const r = at(op);
    if (r) {
      targets.push([name, r.ns <= limit,
        `${fmt(r.ns)} (${fmt(r.ns_min)}) ns`]);
    }
  };
  t('fetch < 100 ns', 'fetch', 100);
  t('create < 2 us', 'create', 2000);
  t('filtered list page < 20 us (expression)', 'list_page_50_expression',
    20000);
  t('filtered list page < 20 us (available)', 'list_page_50_available',
    20000);
  t('filtered list page < 20 us (queue)', 'list_page_50_queue', 20000);
  const mem = at('memory_per_worker');
  if (mem) {
    targets.push(['memory < 512 B per worker beyond text',
      mem.beyond_text < 512, `${mem.beyond_text} B`]);
  }
}

exprTable();
scaleTable();
storeTable();
console.log('\nTargets, 1000 workers: met by medians;'
  + ' measured as median (ratio of minimums, or min)');
console.log(row(['target', 'met', 'measured']));
console.log(row(['---', '---', '---:']));
for (const [name, ok, v] of targets) console.log(row([name, ok ? 'yes'
  : 'NO', v]));
