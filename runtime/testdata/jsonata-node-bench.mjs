// jsonata-node-bench.mjs measures jsonata.js 2.0.6 on Node on the two expressions of
// BenchmarkJSONataField (runtime/jsonata_template_test.go), with the same input, so `make
// bench` shows both engines back to back. Run from the repository root:
//   node runtime/testdata/jsonata-node-bench.mjs
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const jsonata = require("jsonata");

const items = Array.from({ length: 100 }, (_, i) => ({ price: i + 0.5 }));
const input = { a: 1, items };
const cases = [
  ["plus", "$states.input.a + 1"],
  ["sum-count", '{"total": $sum($states.input.items.price), "n": $count($states.input.items)}'],
];

for (const [name, src] of cases) {
  const expr = jsonata(src);
  const bindings = { states: { input } };
  // Warm up until the JIT settles, then time batches for about a second.
  for (let i = 0; i < 20000; i++) await expr.evaluate({}, bindings);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 1_000_000_000n) {
    for (let i = 0; i < 1000; i++) await expr.evaluate({}, bindings);
    n += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  const ns = Number(elapsed) / n;
  console.log(`jsonata.js ${name}\t${n} runs\t${(ns / 1000).toFixed(2)} µs/op`);
}
