// The task page as two people meet it: alice claims a task, bob sees who holds it and is
// refused; alice approves with the task's form and the execution goes on with its values; a
// rejection fails the next execution with the error and cause typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, eventually } from './harness.js';

const definition = JSON.stringify({
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        'orderId.$': '$.orderId', 'customer.$': '$.customer', 'token.$': '$$.Task.Token',
        form: { fields: [
          { name: 'approved', type: 'boolean', label: 'Approve the order?' },
          { name: 'amount', type: 'number', label: 'Amount granted', required: true },
          { name: 'level', type: 'select', label: 'Priority', options: ['normal', 'urgent'] },
          { name: 'note', type: 'text', label: 'Note' },
        ] },
      },
      TimeoutSeconds: 3600, HeartbeatSeconds: 600,
      ResultPath: '$.decision', Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
});

let server;
let browser;
let alice;
let bob;

before(async () => {
  server = await startServer({ users: [
    { name: 'alice', password: 'alice password' },
    { name: 'bob', password: 'bob password' },
  ] });
  browser = await launchBrowser();
  alice = await logIn('alice', 'alice password');
  bob = await logIn('bob', 'bob password');
  const res = await post(alice.page, '/machines', { name: 'Orders', definition });
  assert.equal(res.status(), 303, `create: ${res.status()}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(name, password) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(server.url + '/login');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(server.url + '/');
  return { context, page };
}

// post sends a form as the page would, with the page's CSRF token.
async function post(page, path, form) {
  const token = await page.evaluate(() => document.querySelector('meta[name="csrf-token"]')?.content || '');
  return page.request.post(server.url + path, { form: { ...form, _csrf: token }, headers: { 'X-CSRF-Token': token }, maxRedirects: 0 });
}

// start runs the machine and waits until its task (ids count from 1 in a fresh studio) waits.
async function start(page, input, taskID) {
  const res = await post(page, '/machines/Orders/executions', { input: JSON.stringify(input) });
  assert.equal(res.status(), 303, `start: ${res.status()}`);
  await eventually(`task ${taskID} to be waiting`, async () => (await page.request.get(`${server.url}/inbox/${taskID}`)).ok());
  return server.url + res.headers().location;
}

// outcomeSays waits until the task page says pattern of how the task ended. The decision is
// recorded before the page is answered, but the task's end by its execution, on its own time:
// until then the page says "Decided by …; the execution is taking the decision", and it is
// not live, so it is reloaded.
async function outcomeSays(page, pattern) {
  await eventually(`the task page to say ${pattern}`, async () => {
    if (pattern.test(await page.getByTestId('task-outcome').textContent())) return true;
    await page.reload();
    return false;
  });
}

test('the claimant approves with the form; the other user sees the claim and is refused', async () => {
  const execURL = await start(alice.page, { orderId: 'o-77', customer: 'Acme' }, 1);
  const a = alice.page;
  await a.goto(server.url + '/inbox/1');
  assert.match(await a.getByTestId('task-params').textContent(), /o-77/);
  assert.match(await a.getByTestId('task-countdown').textContent(), /left$/);
  await a.getByTestId('claim').click();
  await a.waitForURL(/\/inbox\/1\?done=claimed$/);
  assert.match(await a.getByTestId('claimed-by').textContent(), /Claimed by alice/);
  const token = await a.getByTestId('task-token').inputValue();
  assert.equal(token.length, 45, 'the claimant sees the whole token (AQ and 256 bits in base64url)');

  const b = bob.page;
  await b.goto(server.url + '/inbox/1');
  assert.match(await b.getByTestId('claimed-by').textContent(), /Claimed by alice/);
  assert.equal(await b.getByTestId('approve').count(), 0, 'bob is offered no decision');
  assert.equal(await b.getByTestId('task-token').count(), 0);
  const params = await b.getByTestId('task-params').textContent();
  assert.ok(!params.includes(token) && params.includes(token.slice(0, 6) + '…'), 'bob sees the token masked');
  await b.screenshot({ path: join(screenshotDir, 'task-claimed-by-other.png'), fullPage: true });
  const refused = await post(b, '/inbox/1/approve', { output: '{"approved": true}' });
  assert.equal(refused.status(), 403);
  assert.match(await refused.text(), /alice has claimed it/);

  // The form fills the output; Approve waits for the required amount and for valid JSON.
  const output = a.getByTestId('approve-output');
  assert.equal(await a.getByTestId('approve').isDisabled(), true);
  assert.match(await a.getByTestId('output-check').textContent(), /required field: amount/);
  await a.getByTestId('field-approved').locator('input').check();
  await a.getByTestId('field-amount').locator('input').fill('250');
  await a.getByTestId('field-level').locator('select').selectOption('urgent');
  await a.getByTestId('field-note').locator('input').fill('ok for Acme');
  assert.deepEqual(JSON.parse(await output.inputValue()), { approved: true, amount: 250, level: 'urgent', note: 'ok for Acme' });
  await output.fill('{"approved": tru}');
  assert.match(await a.getByTestId('output-check').textContent(), /line 1, column/);
  assert.equal(await a.getByTestId('approve').isDisabled(), true);
  await a.screenshot({ path: join(screenshotDir, 'task-invalid-output.png'), fullPage: true });
  await a.getByTestId('field-note').locator('input').fill('ok for Acme, urgent');
  assert.equal(await a.getByTestId('output-check').textContent(), '');
  await a.screenshot({ path: join(screenshotDir, 'task-claimant-form.png'), fullPage: true });
  await a.getByTestId('approve').click();
  await a.waitForURL(/\/inbox\/1\?done=approved$/);
  await outcomeSays(a, /Approved by alice/);
  await a.screenshot({ path: join(screenshotDir, 'task-approved.png'), fullPage: true });

  await a.goto(execURL);
  await a.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  const result = JSON.parse(await a.getByTestId('execution-output').textContent());
  assert.deepEqual(result.decision, { approved: true, amount: 250, level: 'urgent', note: 'ok for Acme, urgent' });
  const decisions = await a.getByTestId('execution-decisions').textContent();
  assert.match(decisions, /approved/);
  assert.match(decisions, /claimed/);
  await a.getByTestId('tab-events').click();
  const events = await a.getByTestId('events').textContent();
  assert.ok(!events.includes(token), 'the execution page masks the token');
  await a.screenshot({ path: join(screenshotDir, 'task-execution-decisions.png'), fullPage: true });
});

test('a rejection fails the execution with the error and cause', async () => {
  const execURL = await start(bob.page, { orderId: 'o-78', customer: 'Initech' }, 2);
  const b = bob.page;
  await b.goto(server.url + '/inbox/2');
  await b.getByTestId('reject-error').fill('Finance.Refused');
  await b.getByTestId('reject-cause').fill('Over the quarterly budget');
  await b.getByTestId('reject').click();
  await b.waitForURL(/\/inbox\/2\?done=rejected$/);
  await outcomeSays(b, /Rejected by bob/);
  await b.goto(execURL);
  await b.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor();
  assert.equal(await b.getByTestId('execution-error-name').textContent(), 'Finance.Refused');
  assert.equal(await b.getByTestId('execution-error-cause').textContent(), 'Over the quarterly budget');

  await b.goto(server.url + '/audit');
  const rows = await b.getByTestId('audit-row').allTextContents();
  assert.match(rows[0], /bob.*rejected.*Finance\.Refused: Over the quarterly budget/);
  await b.screenshot({ path: join(screenshotDir, 'task-audit.png'), fullPage: true });
});
