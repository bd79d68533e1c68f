// The execution page, as a user reads a run: a Map over 5 items, a task that fails, is
// retried and caught, a callback task decided in the inbox. The graph colours itself live
// with a word and an icon per state and a count where a state ran several times; the table,
// the events, a state's data flow, one Map iteration and the export tell the rest. A second
// tab opened mid-run catches up to the same picture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, csrfHeaders } from './harness.js';

const definition = JSON.stringify({
  Comment: 'Doubles five numbers, calls a flaky function, then waits for a person.',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { items: [1, 2, 3, 4, 5] }, Next: 'Each' },
    Each: {
      Type: 'Map', ItemsPath: '$.items', ResultPath: '$.doubled', MaxConcurrency: 1,
      ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'value.$': '$', 'twice.$': 'States.MathAdd($, $)' }, End: true } } },
      Next: 'Flaky',
    },
    // No Lambda endpoint is configured: this task fails each time (Lambda.SdkClientException),
    // is retried twice (States.TaskFailed matches any task failure), then caught.
    Flaky: {
      Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.flakyError', Next: 'Approve' }],
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
      ResultPath: '$.decision', Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
}, null, 2);

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const node = (page, state) => page.locator(`[id="state-${state}"]`);
const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });

// picture is what the graph says, node by node and edge by edge: what two tabs must agree on.
function picture(page) {
  return page.evaluate(() => ({
    nodes: [...document.querySelectorAll('g.node.state')].map((n) => [n.id, n.dataset.status,
      n.querySelector('.run-label')?.textContent, n.querySelector('.run-count')?.getAttribute('visibility'),
      n.querySelector('.run-count text')?.textContent]),
    taken: [...document.querySelectorAll('g.edge[data-taken]')].map((e) => e.id).sort(),
    visits: document.querySelector('[data-testid="visit-count"]').textContent,
    events: Number(document.querySelector('[data-testid="event-count"]').textContent),
  }));
}

async function startRun(page, name) {
  const headers = await csrfHeaders(page.request, server.url);
  const created = await page.request.post(`${server.url}/machines`, { form: { name, definition }, headers });
  assert.ok(created.ok(), `create machine: ${created.status()}`);
  const started = await page.request.post(`${server.url}/machines/${name}/executions`, { form: { input: '{"order": 7}' }, headers });
  assert.ok(started.ok(), `start: ${started.status()}`);
  return started.url();
}

test('watch a Map, a retried and caught task and a callback live; table, events, details, iteration, export', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const execURL = await startRun(page, 'Doubler');
  await page.goto(execURL);
  await page.evaluate(() => { window.notReloaded = true; });

  // Live: the Map's inner state ran five times; the flaky task is in progress or failing
  // while it is retried.
  // Double is "succeeded" after its first iteration already (they run one at a time): wait
  // for the fifth.
  await page.waitForFunction(() => {
    const n = document.getElementById('state-Double');
    return n?.dataset.status === 'succeeded' && n.querySelector('.run-count text')?.textContent === '×5';
  });
  assert.equal(await node(page, 'Double').locator('.run-count').getAttribute('visibility'), 'visible');

  // A second tab opened mid-run catches up.
  const second = await context.newPage();
  await second.goto(execURL);

  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();
  assert.equal(await node(page, 'Approve').locator('.run-label').textContent(), '‖ waiting for callback');
  assert.equal(await node(page, 'Flaky').getAttribute('data-status'), 'caught');
  assert.equal(await node(page, 'Flaky').locator('.run-label').textContent(), '⚠ caught error');
  assert.equal(await node(page, 'Flaky').locator('.run-count text').textContent(), '×3', 'one call and two retries');
  assert.equal(await node(page, 'Done').getAttribute('data-status'), 'notrun');
  assert.equal(await node(page, 'Done').locator('.run-label').textContent(), '○ not run');
  for (const edge of ['edge-start', 'edge-Prepare-next-0', 'edge-Each-branch-0', 'edge-Double-join-0', 'edge-Each-next-0', 'edge-Flaky-catch-0']) {
    assert.equal(await page.locator(`[id="${edge}"]`).getAttribute('data-taken'), 'true', edge);
  }
  assert.equal(await page.locator('[id="edge-Flaky-next-0"]').getAttribute('data-taken'), null, 'the Next of a caught task is not taken');
  assert.equal(await page.getByTestId('execution-stop').isVisible(), true);
  assert.equal(await page.getByTestId('execution-redrive').isVisible(), false);
  assert.match(await page.getByTestId('execution-duration').textContent(), /so far/);
  await node(second, 'Approve').and(second.locator('[data-status="waiting"]')).waitFor();
  assert.deepEqual(await picture(second), await picture(page), 'the tab opened mid-run shows what the live tab shows');
  await shot(page, 'execution-live-waiting.png');

  // Selecting a state shows its recorded input and output and each step, recomputed.
  await node(page, 'Flaky').click();
  await page.getByTestId('visit-details').filter({ hasText: 'Flaky' }).waitFor();
  assert.match(await page.getByTestId('visit-output').textContent(), /flakyError/);
  assert.match(await page.getByTestId('visit-recomputed').textContent(), /Recomputed/);
  await page.getByTestId('visit-retry-note').waitFor();

  // One Map iteration: the picker scopes the graph, the table and the details.
  await node(page, 'Double').click();
  await page.getByTestId('visit-details').filter({ hasText: 'Each #4' }).waitFor();
  await page.getByTestId('scope-picker').selectOption({ label: 'Each #2' });
  await page.getByTestId('visit-details').filter({ hasText: 'Each #2' }).waitFor();
  assert.equal(await node(page, 'Double').locator('.run-count').getAttribute('visibility'), 'hidden', 'one run in one iteration');
  assert.equal(await node(page, 'Double').getAttribute('data-status'), 'succeeded');
  assert.equal((await page.getByTestId('visit-input').textContent()).trim(), '3');
  const params = JSON.parse(await page.getByTestId('test-value-Parameters').textContent());
  assert.deepEqual(params, { value: 3, twice: 6 });
  await shot(page, 'execution-iteration.png');
  await page.getByTestId('tab-table').click();
  await page.getByTestId('visit-page').filter({ hasText: '· 1 visits' }).waitFor();
  assert.equal(await page.locator('[data-testid="visits"] tbody tr').count(), 1);
  await page.getByTestId('scope-picker').selectOption('');

  // The table: one row per visit, with status, timing and retries.
  await page.getByTestId('visit-page').filter({ hasText: 'page 1 of 1 · 9 visits' }).waitFor();
  const rows = page.locator('[data-testid="visits"] tbody tr');
  assert.equal(await rows.count(), 9, 'Prepare, Each, 5 × Double, Flaky, Approve');
  const flaky = rows.filter({ hasText: 'Flaky' });
  assert.deepEqual((await flaky.locator('td').allTextContents()).filter((_, i) => [0, 1, 2, 5].includes(i)), ['Flaky', 'Task', '⚠ caught error', '2']);
  await shot(page, 'execution-table.png');

  // The events: 25 a page, read from the server, filtered, failures marked, each expandable.
  await page.getByTestId('tab-events').click();
  await page.getByTestId('event-page').filter({ hasText: /page 1 of 2/ }).waitFor();
  assert.equal(await page.locator('[data-testid="events"] tr.event-row:visible').count(), 25);
  await page.getByTestId('event-next').click();
  await page.getByTestId('event-page').filter({ hasText: /page 2 of 2/ }).waitFor();
  assert.equal(await page.locator('[data-testid="events"] tr.event-row').first().getAttribute('data-event-id'), '26');
  await page.getByTestId('event-filter').fill('LambdaFunctionFailed');
  await page.getByTestId('event-page').filter({ hasText: 'page 1 of 1 · 3 events' }).waitFor();
  const failedRows = page.locator('[data-testid="events"] tr.event-row:visible');
  assert.equal(await failedRows.count(), 3);
  assert.equal(await page.locator('[data-testid="events"] tr.event-row.failed:visible').count(), 3);
  await failedRows.first().click();
  const details = page.getByTestId('event-details');
  await details.waitFor();
  assert.match(await details.textContent(), /"error": "Lambda.SdkClientException"/);
  await shot(page, 'execution-events.png');
  await page.getByTestId('event-filter').fill('');

  // Decide the callback in the inbox; both tabs follow to the end without a reload.
  const inbox = await context.newPage();
  await inbox.goto(`${server.url}/inbox`);
  await inbox.getByTestId('task').getByTestId('approve-output').fill('{"approved": true}');
  await inbox.getByTestId('task').getByTestId('approve').click();
  await inbox.getByTestId('notice').waitFor();
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await second.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  assert.equal(await node(page, 'Done').locator('.run-label').textContent(), '✔ succeeded');
  assert.equal(await page.getByTestId('execution-stop').isVisible(), false);
  assert.doesNotMatch(await page.getByTestId('execution-duration').textContent(), /so far/);
  const live = await picture(page);
  assert.deepEqual(await picture(second), live);
  await page.getByTestId('tab-graph').click();
  await shot(page, 'execution-succeeded.png');
  const reloaded = await context.newPage();
  await reloaded.goto(execURL);
  assert.deepEqual(await picture(reloaded), live, 'a reload shows what the live page showed');

  // Export: the execution and its whole history, as AWS shapes them.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('execution-export').click()]);
  assert.match(download.suggestedFilename(), /^execution-.*\.json$/);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const exported = JSON.parse(Buffer.concat(chunks).toString());
  assert.equal(exported.status, 'SUCCEEDED');
  assert.equal(exported.events.length, live.events);
  assert.equal(exported.events[0].type, 'ExecutionStarted');
  assert.deepEqual(JSON.parse(exported.events[0].executionStartedEventDetails.input), { order: 7 });
  await context.close();
});

test('a failed execution: the banner names the error and selects the failed state', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const headers = await csrfHeaders(page.request, server.url);
  const created = await page.request.post(`${server.url}/machines`, {
    headers,
    form: { name: 'Refuser', definition: JSON.stringify({ StartAt: 'Check', States: { Check: { Type: 'Pass', Next: 'No' }, No: { Type: 'Fail', Error: 'Order.Refused', Cause: 'Too big' } } }) },
  });
  assert.ok(created.ok());
  const started = await page.request.post(`${server.url}/machines/Refuser/executions`, { form: { input: '{}' }, headers });
  await page.goto(started.url());
  await page.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor();
  assert.equal(await page.getByTestId('execution-error-name').textContent(), 'Order.Refused');
  assert.equal(await page.getByTestId('execution-redrive').isVisible(), true);
  assert.equal(await node(page, 'No').locator('.run-label').textContent(), '✖ failed');
  await page.getByTestId('show-failed-state').click();
  await page.getByTestId('visit-details').filter({ hasText: 'No' }).waitFor();
  assert.match(await node(page, 'No').getAttribute('class'), /selected/);
  await shot(page, 'execution-failed-banner.png');
  await page.close();
});

test('a history at the 25,000-event limit: the failure says why, the page opens at once and pages its rows', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const headers = await csrfHeaders(page.request, server.url);
  const loop = { StartAt: 'Count', States: {
    Count: { Type: 'Pass', Next: 'Again?' },
    'Again?': { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'Done' }], Default: 'Count' },
    Done: { Type: 'Succeed' },
  } };
  const created = await page.request.post(`${server.url}/machines`, { headers, form: { name: 'Forever', definition: JSON.stringify(loop) } });
  assert.ok(created.ok());
  const started = await page.request.post(`${server.url}/machines/Forever/executions`, { form: { input: '{"stop": false}' }, headers });
  await page.goto(started.url());
  await page.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor({ timeout: 60000 });
  assert.equal(await page.getByTestId('execution-error-name').textContent(), 'States.Runtime');
  assert.match(await page.getByTestId('execution-error-cause').textContent(), /The execution reached the maximum number of history events \(25000\)\./);
  assert.equal(await page.getByTestId('event-count').textContent(), '25000');

  await page.reload();
  assert.equal(await node(page, 'Count').locator('.run-count text').textContent(), '×6250');
  await page.getByTestId('tab-events').click();
  assert.equal(await page.getByTestId('event-page').textContent(), 'page 1 of 1000 · 25000 events');
  assert.equal(await page.locator('[data-testid="events"] tr.event-row').count(), 25);
  await page.getByTestId('event-filter').fill('executionfailed');
  await page.getByTestId('event-page').filter({ hasText: 'page 1 of 1 · 1 events' }).waitFor();
  await page.locator('[data-testid="events"] tr.event-row').click();
  assert.match(await page.getByTestId('event-details').textContent(), /maximum number of history events/);
  await page.getByTestId('tab-table').click();
  assert.equal(await page.getByTestId('visit-page').textContent(), 'page 1 of 500 · 12499 visits');
  await page.getByTestId('visit-next').click();
  await page.getByTestId('visit-page').filter({ hasText: 'page 2 of 500' }).waitFor();
  await page.locator('[data-testid="visits"] tbody tr').first().click();
  await page.getByTestId('visit-details').waitFor();
  await shot(page, 'execution-history-limit.png');
  await page.close();
});
