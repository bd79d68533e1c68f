// The live inbox as two people meet it: a task appears in both their inboxes without a
// reload, one approves it and it leaves the other's list while the badges drop on every page;
// a task with a 10-second timeout leaves by itself; filters and search narrow the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, csrfHeaders } from './harness.js';

const orders = `{
  "StartAt": "Approve order",
  "States": {
    "Approve order": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": { "MessageBody": { "orderId.$": "$.orderId", "amount.$": "$.amount", "token.$": "$$.Task.Token" } },
      "TimeoutSeconds": 3600,
      "End": true
    }
  }
}`;
const payroll = `{
  "StartAt": "Sign off",
  "States": {
    "Sign off": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": { "month.$": "$.month", "token.$": "$$.Task.Token" },
      "End": true
    }
  }
}`;
const quick = `{
  "StartAt": "Quick check",
  "States": {
    "Quick check": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": { "token.$": "$$.Task.Token" },
      "TimeoutSeconds": 10,
      "End": true
    }
  }
}`;

let server;
let browser;

before(async () => {
  server = await startServer({ users: [
    { name: 'alice', password: 'alice password', admin: true },
    { name: 'bob', password: 'bob password' },
  ] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });

async function logIn(name, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/inbox');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(server.url + '/inbox');
  return { context, page, errors };
}

async function createMachine(page, name, definition) {
  const headers = await csrfHeaders(page.request, server.url);
  const res = await page.request.post(`${server.url}/machines`, { form: { name, definition }, headers, maxRedirects: 0 });
  assert.equal(res.status(), 303, `create ${name}`);
}

async function run(page, machine, input) {
  const headers = await csrfHeaders(page.request, server.url);
  const res = await page.request.post(`${server.url}/machines/${machine}/executions`, { form: { input }, headers, maxRedirects: 0 });
  assert.equal(res.status(), 303, `run ${machine}`);
}

const tasks = (page) => page.getByTestId('task');
const badge = (page) => page.getByTestId('inbox-count');
const badgeSays = (page, n) => page.waitForFunction(
  (want) => {
    const b = document.querySelector('[data-testid="inbox-count"]');
    return want === 0 ? b.hidden : !b.hidden && b.textContent === String(want);
  }, n);
const live = (page) => page.getByTestId('live-flag').and(page.locator(':not([hidden])')).waitFor();

test('two people, one inbox: tasks appear, leave when decided or timed out, filters narrow', async () => {
  const alice = await logIn('alice', 'alice password');
  const bob = await logIn('bob', 'bob password');
  // Alice also has the executions list open: its badge must follow too.
  const aliceOther = await alice.context.newPage();
  await aliceOther.goto(server.url + '/executions');
  await createMachine(alice.page, 'Orders', orders);
  await createMachine(alice.page, 'Payroll', payroll);
  await createMachine(alice.page, 'Quick', quick);
  await live(alice.page);
  await live(bob.page);
  assert.equal(await alice.page.getByTestId('inbox-empty').isVisible(), true);
  assert.equal(await badge(aliceOther).isHidden(), true);

  // A task appears live in both inboxes, with a readable summary and its token masked.
  await run(alice.page, 'Orders', '{"orderId": "o-1", "amount": 250}');
  for (const p of [alice.page, bob.page]) {
    await tasks(p).first().waitFor();
    assert.equal(await tasks(p).count(), 1);
    assert.equal(await p.getByTestId('inbox-empty').isHidden(), true);
    await badgeSays(p, 1);
  }
  await badgeSays(aliceOther, 1);
  const card = tasks(bob.page).first();
  const summary = await card.getByTestId('task-summary').textContent();
  assert.match(summary, /MessageBody\.orderId: o-1 · MessageBody\.amount: 250 · MessageBody\.token: \S{6}…/);
  assert.match(await card.getByTestId('task-deadline').textContent(), /due in (59:\d\d|1 h 0 min)/);
  assert.equal(await card.getByTestId('task-claim').textContent(), 'unclaimed');
  assert.equal(await card.getByTestId('task-open').getAttribute('href'), `/inbox/${await card.getAttribute('data-task-id')}`);
  const since = await card.getByTestId('task-waiting').textContent();
  assert.match(since, /waiting (just now|\d+ s)/);

  // A second task; bob claims it on its page: alice sees the claim live, and no quick
  // decision for a task someone else holds.
  await run(alice.page, 'Payroll', '{"month": "March"}');
  await tasks(alice.page).nth(1).waitFor();
  await badgeSays(bob.page, 2);
  const payrollId = await tasks(bob.page).filter({ hasText: 'Payroll' }).getAttribute('data-task-id');
  const headers = await csrfHeaders(bob.page.request, server.url);
  const claimed = await bob.page.request.post(`${server.url}/inbox/${payrollId}/claim`, { headers, maxRedirects: 0 });
  assert.ok(claimed.status() < 400, `claim: ${claimed.status()}`);
  const alicePayroll = tasks(alice.page).filter({ hasText: 'Payroll' });
  await alicePayroll.getByTestId('task-claim').filter({ hasText: 'claimed by bob' }).waitFor();
  assert.equal(await alicePayroll.getByTestId('approve').count(), 0);
  await tasks(bob.page).filter({ hasText: 'Payroll' }).getByTestId('task-claim').filter({ hasText: 'claimed by you' }).waitFor();
  assert.equal(await tasks(bob.page).filter({ hasText: 'Payroll' }).getByTestId('approve').count(), 1);
  await shot(alice.page, 'inbox-live-two-tasks.png');

  // Bob types a cause into the Orders task's reject form; alice approves it: it leaves bob's
  // list live and every badge drops without a reload.
  await tasks(bob.page).filter({ hasText: 'Orders' }).getByTestId('reject-cause').fill('half typed');
  const ordersCard = tasks(alice.page).filter({ hasText: 'Orders' });
  await ordersCard.getByTestId('approve-output').fill('{"approved": true}');
  await ordersCard.getByTestId('approve').click();
  await alice.page.getByTestId('notice').waitFor();
  await tasks(bob.page).filter({ hasText: 'Orders' }).waitFor({ state: 'detached' });
  assert.equal(await tasks(bob.page).count(), 1);
  await badgeSays(bob.page, 1);
  await badgeSays(aliceOther, 1);
  await badgeSays(alice.page, 1);
  await shot(bob.page, 'inbox-live-after-approval.png');

  // A task with TimeoutSeconds 10 counts down and leaves by itself. Ten seconds, not fewer:
  // the card and both badges must be seen while it waits, on however busy a machine.
  await run(alice.page, 'Quick', '{}');
  const quickCard = tasks(bob.page).filter({ hasText: 'Quick check' });
  await quickCard.waitFor();
  assert.match(await quickCard.getByTestId('task-deadline').textContent(), /due in 0:(0\d|10)|overdue/);
  await badgeSays(aliceOther, 2);
  await shot(bob.page, 'inbox-live-timeout-countdown.png');
  await quickCard.waitFor({ state: 'detached', timeout: 30000 });
  await badgeSays(bob.page, 1);
  await badgeSays(aliceOther, 1);

  // Filters and search narrow the list, in the address (bookmarkable); a new task that does
  // not match only moves the count.
  await run(alice.page, 'Orders', '{"orderId": "o-2", "amount": 90}');
  await run(alice.page, 'Orders', '{"orderId": "o-3", "amount": 12}');
  await badgeSays(bob.page, 3);
  await bob.page.getByTestId('filter-machine').selectOption('Orders');
  await bob.page.getByTestId('filter-apply').click();
  await bob.page.waitForURL(/machine=Orders/);
  await live(bob.page);
  assert.equal(await tasks(bob.page).count(), 2);
  assert.equal(await bob.page.getByTestId('inbox-summary').textContent(), '2 of 3 tasks waiting match');
  await bob.page.getByTestId('filter-search').fill('o-3');
  await bob.page.getByTestId('filter-apply').click();
  await bob.page.waitForURL(/q=o-3/);
  await live(bob.page);
  assert.equal(await tasks(bob.page).count(), 1);
  assert.match(await tasks(bob.page).getByTestId('task-summary').textContent(), /o-3/);
  await run(alice.page, 'Payroll', '{"month": "April"}');
  await badgeSays(bob.page, 4);
  assert.equal(await tasks(bob.page).count(), 1);
  await bob.page.getByTestId('inbox-summary').filter({ hasText: '1 of 4 tasks waiting match' }).waitFor();
  await shot(bob.page, 'inbox-live-filtered.png');

  // Deadline filters and sort: only Orders tasks have one; nearest deadline first puts them
  // first and the Payroll tasks (none) last.
  await bob.page.goto(server.url + '/inbox?deadline=none');
  assert.equal(await tasks(bob.page).count(), 2);
  await bob.page.goto(server.url + '/inbox?sort=deadline');
  const machines = await tasks(bob.page).getByTestId('task-machine').allTextContents();
  assert.deepEqual(machines, ['Orders', 'Orders', 'Payroll', 'Payroll']);
  await bob.page.goto(server.url + '/inbox?q=nothing-like-this');
  assert.equal(await bob.page.getByTestId('inbox-no-match').isVisible(), true);
  await shot(bob.page, 'inbox-live-no-match.png');
  const bad = await bob.page.goto(server.url + '/inbox?older=soon');
  assert.equal(bad.status(), 400);
  assert.match(await bob.page.getByTestId('error-message').textContent(), /whole number of minutes/);
  await shot(bob.page, 'inbox-live-bad-filter.png');

  assert.deepEqual(alice.errors, []);
  assert.deepEqual(bob.errors, []);
  await alice.context.close();
  await bob.context.close();
});
