// jsonatajs-server answers JSONata evaluations with jsonata.js, for the
// differential fuzz target (FuzzDifferential in differential_test.go).
//
// It reads one JSON request a line on stdin:
//   {"expr": "...", "input": <JSON, absent for undefined>, "bindings": {...}?}
// and writes one JSON line on stdout:
//   {"result": <JSON>}                     functions become "<function>"
//   {"undefined": true}
//   {"error": {"code", "message", "position"?, "token"?}}
//   {"limit": "..."}                        depth, time or JavaScript stack ran out
//   {"jsError": {"name", "message"}}        jsonata.js crashed with a JavaScript error
// Its first line is {"ready": true, "version": "<jsonata version>"}.
// jsonata is resolved from the repository's node_modules; it exits when
// stdin closes.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const require = createRequire(join(repoRoot, 'package.json'));
const jsonata = require('jsonata');
const version = require('jsonata/package.json').version;

// Evaluation limits, checked on every step as jsonata's own test suite
// timeboxes expressions: evaluate is asynchronous, so a timer could not
// interrupt an endless loop of awaited steps. Unlike the suite's, the
// checks do not skip parallel calls: jsonata.js leaves isParallelCall set on
// the environment after an array constructor, which would leave a runaway
// recursion after one unchecked. Depth then counts the steps of concurrent
// items together, which only makes the limit come sooner.
const maxDepth = Number(process.env.JSONATAJS_MAX_DEPTH || 500);
const timeoutMs = Number(process.env.JSONATAJS_TIMEOUT_MS || 1000);

class Limit extends Error {}

function timebox(expr) {
  let depth = 0;
  const start = Date.now();
  const check = () => {
    if (depth > maxDepth) throw new Limit(`depth over ${maxDepth}`);
    if (Date.now() - start > timeoutMs) throw new Limit(`time over ${timeoutMs}ms`);
  };
  expr.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    depth++;
    check();
  });
  expr.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    depth--;
    check();
  });
}

function isFunction(v) {
  return typeof v === 'function' || (v !== null && typeof v === 'object' &&
    (v._jsonata_lambda === true || v._jsonata_function === true || v._jsonata_partial === true));
}

function toJSON(v) {
  return JSON.stringify(v, (k, x) => (isFunction(x) ? '<function>' : x));
}

function errorAnswer(err) {
  if (err instanceof Limit) return { limit: err.message };
  if (err instanceof RangeError && /call stack/.test(err.message)) return { limit: 'JavaScript stack: ' + err.message };
  if (err !== null && typeof err === 'object' && typeof err.code === 'string') {
    const e = { code: err.code, message: err.message };
    if (typeof err.position === 'number') e.position = err.position;
    if (err.token !== undefined) e.token = err.token;
    return { error: e };
  }
  if (err instanceof Error) return { jsError: { name: err.name, message: err.message } };
  return { jsError: { name: typeof err, message: String(err) } };
}

// jsonata.js writes the name and position of the call that last used a
// built-in onto the built-in's function object, shared by the whole process,
// and names it in a later error (apply, "function undefined" when no call
// named it). Clearing them before each request makes an answer independent
// of the requests before it, as if each ran in a fresh process.
const builtinNames = ['sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore',
  'substringAfter', 'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace',
  'split', 'join', 'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor',
  'ceil', 'round', 'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single',
  'reduce', 'sift', 'keys', 'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error',
  'assert', 'type', 'sort', 'shuffle', 'distinct', 'base64encode', 'base64decode', 'encodeUrlComponent',
  'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'eval', 'toMillis', 'fromMillis', 'clone'];
const builtins = [];
for (const name of builtinNames) {
  const f = await jsonata('$' + name).evaluate(undefined);
  if (f !== undefined) builtins.push(f);
}

async function answer(line) {
  const req = JSON.parse(line);
  for (const f of builtins) {
    delete f.token;
    delete f.position;
  }
  let expr;
  try {
    expr = jsonata(req.expr);
  } catch (err) {
    return errorAnswer(err);
  }
  timebox(expr);
  try {
    const result = await expr.evaluate(req.input, req.bindings);
    if (result === undefined) return { undefined: true };
    return { result };
  } catch (err) {
    return errorAnswer(err);
  }
}

function write(obj) {
  let text;
  try {
    text = toJSON(obj);
  } catch (err) {
    text = toJSON({ jsError: { name: 'stringify', message: String(err && err.message) } });
  }
  process.stdout.write(text + '\n');
}

write({ ready: true, version });
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
// one request at a time, in order: the answers are matched to requests by position
let queue = Promise.resolve();
rl.on('line', (line) => {
  queue = queue.then(async () => {
    let a;
    try {
      a = await answer(line);
    } catch (err) {
      a = errorAnswer(err);
    }
    write(a);
  });
});
rl.on('close', () => queue.then(() => process.exit(0)));
