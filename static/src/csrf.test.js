import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsToken, withCSRF } from './csrf.js';

const origin = 'http://127.0.0.1:8080';

test('only state-changing requests to this origin need the token', () => {
  assert.equal(needsToken('GET', '/machines', origin), false);
  assert.equal(needsToken(undefined, '/machines', origin), false);
  assert.equal(needsToken('post', '/machines', origin), true);
  for (const m of ['PUT', 'PATCH', 'DELETE']) assert.equal(needsToken(m, '/x', origin), true);
  assert.equal(needsToken('POST', `${origin}/machines`, origin), true);
  assert.equal(needsToken('POST', 'https://elsewhere.example/x', origin), false);
  assert.equal(needsToken('POST', '//elsewhere.example/x', origin), false);
});

function recorder() {
  const calls = [];
  return { calls, fetch: (input, init) => { calls.push({ input, init }); return Promise.resolve('ok'); } };
}

test('a same-origin POST gets the header, other headers kept', async () => {
  const r = recorder();
  const f = withCSRF(r.fetch, () => 'tok', origin);
  await f('/machines/a/design/apply', { method: 'POST', headers: { 'Content-Type': 'application/json' } });
  const headers = r.calls[0].init.headers;
  assert.equal(headers.get('X-CSRF-Token'), 'tok');
  assert.equal(headers.get('Content-Type'), 'application/json');
});

test('GETs and other origins are passed through untouched', async () => {
  const r = recorder();
  const f = withCSRF(r.fetch, () => 'tok', origin);
  await f('/executions');
  await f('https://elsewhere.example/', { method: 'POST' });
  assert.deepEqual(r.calls.map((c) => c.init), [{}, { method: 'POST' }]);
});

test('a Request object keeps its method and headers', async () => {
  const r = recorder();
  const f = withCSRF(r.fetch, () => 'tok', origin);
  await f(new Request(`${origin}/inputs/x`, { method: 'DELETE', headers: { Accept: 'application/json' } }));
  const headers = r.calls[0].init.headers;
  assert.equal(headers.get('X-CSRF-Token'), 'tok');
  assert.equal(headers.get('Accept'), 'application/json');
});
