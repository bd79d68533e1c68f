// Debugging a run as a user does it: a breakpoint set in the designer pauses a debug run on a
// Choice, whose input is changed so the other branch is taken; Step through three states; a
// failure paused before its Retry decides, saying what the Retry will do; a conditional
// breakpoint in a Map of 20 pauses only the iterations it matches; a restart while paused,
// then Continue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, csrfHeaders } from './harness.js';
import { designNew, inspect } from './designer-page.js';

let server;
let browser;
const studio = { get server() { return server; }, get browser() { return browser; } };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const choiceMachine = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Assign: { limit: 10 }, Next: 'Big?' },
    'Big?': { Type: 'Choice', Choices: [{ Variable: '$.amount', NumericGreaterThanPath: '$limit', Next: 'Review' }], Default: 'Auto' },
    Review: { Type: 'Pass', Result: 'reviewed', ResultPath: '$.path', End: true },
    Auto: { Type: 'Pass', Result: 'auto', ResultPath: '$.path', End: true },
  },
}, null, 2);

const node = (page, state) => page.locator(`[data-testid="graph"] [id="state-${state.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0).toString(16)}_`)}"]`);
const pause = (page, state) => page.getByTestId('pause').filter({ has: page.getByTestId('pause-state').getByText(state, { exact: true }) });

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function createMachine(page, name, definition) {
  const created = await page.request.post(`${server.url}/machines`, { form: { name, definition }, headers: await csrfHeaders(page.request, server.url) });
  assert.ok(created.ok(), `create ${name}: ${created.status()}`);
}

async function setBreakpoints(page, name, settings) {
  const res = await page.request.put(`${server.url}/machines/${name}/breakpoints`, { data: settings, headers: await csrfHeaders(page.request, server.url) });
  assert.equal(res.status(), 200, await res.text());
}

// debugRun starts a debug run of the machine and opens its page.
async function debugRun(page, name, input) {
  const res = await page.request.post(`${server.url}/machines/${name}/executions`, {
    form: { input, debug: '1' }, headers: await csrfHeaders(page.request, server.url), maxRedirects: 0,
  });
  assert.equal(res.status(), 303, await res.text());
  await page.goto(server.url + res.headers().location);
}

test('a breakpoint on a Choice pauses a debug run; a changed input takes the other branch', async () => {
  const { context, page, errors } = await designNew(studio, 'approvals', choiceMachine);
  await inspect(page, 'Big?');
  await page.keyboard.press('b');
  await page.locator('.bp-dot').first().waitFor();
  await page.getByTestId('designer-run').click();
  await page.getByTestId('run-input').fill('{"amount": 5}');
  await page.getByTestId('run-debug').click();
  await page.waitForURL(/\/executions\/\d+$/);

  const paused = pause(page, 'Big?');
  await paused.waitFor();
  assert.match(await paused.getByTestId('pause-reason').textContent(), /breakpoint/);
  assert.match(await paused.getByTestId('pause-variables').inputValue(), /"limit": 10/);
  await node(page, 'Big?').and(page.locator('.paused')).waitFor();
  assert.equal(await page.getByTestId('execution-status').textContent(), 'RUNNING');
  // Checked as it is typed: a broken input cannot be sent.
  await paused.getByTestId('pause-input').fill('{"amount": 50');
  assert.match(await paused.getByTestId('pause-input-check').textContent(), /line 1/);
  assert.equal(await paused.getByTestId('pause-continue').isDisabled(), true);
  await paused.getByTestId('pause-input').fill('{"amount": 50}');
  await shot(page, 'debug-paused.png');
  await paused.getByTestId('pause-continue').click();

  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await page.getByTestId('debug-panel').waitFor({ state: 'hidden' });
  assert.equal(await node(page, 'Review').getAttribute('data-status'), 'succeeded');
  assert.equal(await node(page, 'Auto').getAttribute('data-status'), 'notrun');
  // The history says what was changed.
  await page.getByTestId('tab-events').click();
  await page.getByTestId('event-filter').fill('StudioDebugResumed');
  const row = page.locator('tr.event-row').filter({ hasText: 'StudioDebugResumed' });
  await row.waitFor();
  assert.match(await row.getAttribute('data-details'), /inputAfter/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Step goes through three states, pausing before each', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'stepper', choiceMachine);
  await setBreakpoints(page, 'stepper', { breakpoints: [{ state: 'Prepare', enabled: true }], breakOnError: false });
  await debugRun(page, 'stepper', '{"amount": 5}');
  for (const [state, reason] of [['Prepare', /breakpoint/], ['Big?', /after a step/], ['Auto', /after a step/]]) {
    const p = pause(page, state);
    await p.waitFor();
    assert.match(await p.getByTestId('pause-reason').textContent(), reason);
    await p.getByTestId('pause-step').click();
  }
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();

  // Run to a state chosen on the graph.
  await debugRun(page, 'stepper', '{"amount": 5}');
  await pause(page, 'Prepare').waitFor();
  await node(page, 'Auto').click();
  assert.equal(await pause(page, 'Prepare').getByTestId('pause-run-to-state').inputValue(), 'Auto');
  await pause(page, 'Prepare').getByTestId('pause-run-to').click();
  const at = pause(page, 'Auto');
  await at.waitFor();
  assert.match(await at.getByTestId('pause-reason').textContent(), /run to here/);
  await at.getByTestId('pause-continue').click();
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a failure pauses before its Retry decides, saying what the Retry will do', async () => {
  const { context, page, errors } = await newPage();
  // No Lambda endpoint is configured: the call fails, the Retry tries once more, the Catch ends it.
  await createMachine(page, 'flaky', JSON.stringify({
    StartAt: 'Charge',
    States: {
      Charge: {
        Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:charge',
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refund' }], End: true,
      },
      Refund: { Type: 'Pass', End: true },
    },
  }));
  await setBreakpoints(page, 'flaky', { breakpoints: [], breakOnError: true });
  await debugRun(page, 'flaky', '{}');
  const first = page.getByTestId('pause').filter({ has: page.getByTestId('pause-next') });
  await first.waitFor();
  assert.match(await first.getByTestId('pause-reason').textContent(), /on an error/);
  assert.match(await first.getByTestId('pause-next').textContent(), /Retry 0 \(States\.ALL\) retries it after 1s: retry 1 of 1\./);
  assert.notEqual((await first.getByTestId('pause-error').textContent()).trim(), '');
  await node(page, 'Charge').and(page.locator('.paused')).waitFor();
  await shot(page, 'debug-error.png');
  await first.getByTestId('pause-continue').click();
  const second = page.getByTestId('pause').filter({ has: page.getByTestId('pause-next').getByText(/Catch 0/) });
  await second.waitFor();
  assert.match(await second.getByTestId('pause-next').textContent(), /goes on to "Refund"/);
  await second.getByTestId('pause-continue').click();
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(await node(page, 'Refund').getAttribute('data-status'), 'succeeded');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a conditional breakpoint in a Map of 20 pauses only the iterations it matches', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'batch', JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map', ItemsPath: '$.items', End: true,
        ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Pass', End: true } } },
      },
    },
  }));
  await setBreakpoints(page, 'batch', { breakpoints: [{ state: 'Check', enabled: true, condition: '$.n >= 16' }], breakOnError: false });
  const items = Array.from({ length: 20 }, (_, n) => ({ n }));
  await debugRun(page, 'batch', JSON.stringify({ items }));
  await page.getByTestId('debug-count').filter({ hasText: '4 paused' }).waitFor();
  const inputs = await page.getByTestId('pause-input').evaluateAll((els) => els.map((e) => JSON.parse(e.value).n).sort((a, b) => a - b));
  assert.deepEqual(inputs, [16, 17, 18, 19]);
  // The other sixteen have run on.
  await page.getByTestId('visit-count').filter({ hasText: '17' }).waitFor();
  await shot(page, 'debug-map.png');
  for (let left = 4; left > 0; left--) {
    await page.getByTestId('pause').first().getByTestId('pause-continue').click();
    if (left > 1) await page.getByTestId('debug-count').filter({ hasText: `${left - 1} paused` }).waitFor();
  }
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a run paused when the studio restarts is paused again, and goes on', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'durable', choiceMachine);
  await setBreakpoints(page, 'durable', { breakpoints: [{ state: 'Big?', enabled: true }], breakOnError: false });
  await debugRun(page, 'durable', '{"amount": 5}');
  await pause(page, 'Big?').waitFor();
  const url = new URL(page.url()).pathname;
  await context.close();

  const db = server.db;
  await server.stopKeeping();
  server = await startServer({ db });
  const again = await newPage();
  await again.page.goto(server.url + url);
  const p = pause(again.page, 'Big?');
  await p.waitFor();
  assert.match(await p.getByTestId('pause-reason').textContent(), /after the studio restarted/);
  await p.getByTestId('pause-continue').click();
  await again.page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(await node(again.page, 'Auto').getAttribute('data-status'), 'succeeded');
  assert.deepEqual([...errors, ...again.errors], []);
  await again.context.close();
});
