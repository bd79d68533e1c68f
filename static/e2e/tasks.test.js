// A new user's first real workflow: drawn from the palette (a Lambda invoke, a Choice on what
// the function said, an approval with a Catch to a Fail, a Succeed), saved, run against a
// Lambda endpoint the test starts, approved in the inbox; then run again with the test cases
// of a mock file, which answer for the function and the approver: no call reaches Lambda.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';
import { documentText, changed, dragOnto, editField, inspect, reveal } from './designer-page.js';
import { nodeIdOf } from '../src/designer-names.js';

const machine = 'Orders';
const lambdaState = 'Invoke function'; // the name the palette's "Lambda invoke" gives
const checked = (input) => ({ orderId: input.orderId, amount: input.amount, needsApproval: input.amount >= 100 });

// The mock file, written before the machine exists: it names the machine and states the test
// draws. Its responses are what the function and the approver would answer.
const mocks = {
  StateMachines: {
    [machine]: {
      TestCases: {
        Approved: { [lambdaState]: 'BigOrderChecked', Approve: 'BobApproves' },
        Rejected: { [lambdaState]: 'BigOrderChecked', Approve: 'BobRejects' },
      },
    },
  },
  MockedResponses: {
    BigOrderChecked: { 0: { Return: { StatusCode: 200, Payload: checked({ orderId: 'o-mock', amount: 500 }) } } },
    BobApproves: { 0: { Return: { approved: true, by: 'bob' } } },
    BobRejects: { 0: { Throw: { Error: 'Order.Rejected', Cause: 'Over budget' } } },
  },
};

let lambda;
let server;
let browser;
let mockDir;
// calls are the requests the Lambda endpoint received: { method, url, body }.
const calls = [];

// startLambda serves the Lambda Invoke API on a free port: the function checks an order.
async function startLambda() {
  const srv = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    calls.push({ method: req.method, url: req.url, body });
    if (req.method !== 'POST' || req.url !== '/2015-03-31/functions/my-function/invocations') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${req.url}` }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(checked(JSON.parse(body))));
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

before(async () => {
  lambda = await startLambda();
  mockDir = mkdtempSync(join(tmpdir(), 'stepstudio-mocks-'));
  const mockFile = join(mockDir, 'MockConfigFile.json');
  writeFileSync(mockFile, JSON.stringify(mocks, null, 2));
  server = await startServer({
    args: ['--lambda-endpoint', `http://127.0.0.1:${lambda.address().port}`],
    env: { SFN_MOCK_CONFIG: mockFile },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => (lambda ? lambda.close(resolve) : resolve()));
  if (mockDir) rmSync(mockDir, { recursive: true, force: true });
});

const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });
const node = (page, state) => page.locator(`[id="${nodeIdOf(state)}"]`);
const statusOf = (page, state) => node(page, state).getAttribute('data-status');
// edge is the id of the first edge of a kind (end, next, choice, catch) out of a state in the
// designer's graph.
const edge = (from, kind) => `edge-${nodeIdOf(from).slice('state-'.length)}-${kind}-0`;

// run starts the saved machine from the designer's Run dialog, with a test case or none, and
// waits for the execution page.
async function run(page, input, testCase = '') {
  await page.getByTestId('designer-run').click();
  await page.locator('[data-testid="run-dialog"][data-ready]').waitFor();
  await page.getByTestId('run-input').fill(JSON.stringify(input));
  await page.getByTestId('run-test-case').selectOption(testCase);
  await page.getByTestId('run-start').click();
  await page.waitForURL('**/executions/*');
}

// finished waits until the execution page says the run ended with status.
async function finished(page, status) {
  await page.getByTestId('execution-status').filter({ hasText: status }).waitFor();
}

test('draw a Lambda, a Choice and an approval; run it against Lambda, approve it in the inbox; run it with mocks', async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // Draw: First step → Invoke function → Choice —(needs approval)→ Approve → Succeed; the
  // Choice's Default → Succeed; Approve's Catch → Fail.
  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill(machine);
  await page.getByTestId('create-blank').click();
  await page.waitForURL(`**/machines/${machine}/design`);
  await node(page, 'First step').waitFor();
  await dragOnto(page, 'Lambda invoke', edge('First step', 'end'));
  await dragOnto(page, 'Succeed', edge(lambdaState, 'end'));
  // A Choice must lead somewhere: dropped on the arrow into Succeed, its rule and Default both
  // lead there.
  await dragOnto(page, 'Choice', edge(lambdaState, 'next'));
  await dragOnto(page, 'Approval (callback)', edge('Choice', 'choice'));
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Approve');
  let before = await documentText(page);
  await reveal(page, 'add-catch');
  await page.getByTestId('add-catch').click();
  await changed(page, before);
  await dragOnto(page, 'Fail', edge('Approve', 'catch'));
  await inspect(page, 'Choice');
  await editField(page, 'Choices', JSON.stringify([{ Variable: '$.needsApproval', BooleanEquals: true, Next: 'Approve' }]));
  await shot(page, 'tasks-designer.png');

  const d = JSON.parse(await documentText(page));
  assert.deepEqual(Object.keys(d.States).sort(), ['Approve', 'Choice', 'Fail', lambdaState, 'First step', 'Succeed'].sort());
  assert.equal(d.States['First step'].Next, lambdaState);
  assert.equal(d.States[lambdaState].Resource, 'arn:aws:states:::lambda:invoke');
  assert.equal(d.States[lambdaState].Next, 'Choice');
  assert.deepEqual(d.States.Choice.Choices, [{ Variable: '$.needsApproval', BooleanEquals: true, Next: 'Approve' }]);
  assert.equal(d.States.Choice.Default, 'Succeed');
  assert.equal(d.States.Approve.Next, 'Succeed');
  assert.deepEqual(d.States.Approve.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Fail' }]);

  await page.getByTestId('designer-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="designer-notice"]').textContent.includes('version 2'));
  assert.equal(await page.getByTestId('dirty-flag').isVisible(), false);

  // Run against the Lambda endpoint: the function says the order needs approval.
  const input = { orderId: 'o-1', amount: 250 };
  await run(page, input);
  await node(page, 'Approve').and(page.locator('[data-status="waiting"]')).waitFor();
  for (const state of ['First step', lambdaState, 'Choice']) assert.equal(await statusOf(page, state), 'succeeded', state);
  assert.equal(await page.getByTestId('execution-test-case').count(), 0, 'a run without a test case mocks nothing');
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [['POST', '/2015-03-31/functions/my-function/invocations']]);
  assert.deepEqual(JSON.parse(calls[0].body), input, 'the function gets the execution input');
  await shot(page, 'tasks-waiting.png');

  // Approve in the inbox; the approver sees what the function said.
  const inbox = await context.newPage();
  inbox.on('pageerror', (e) => errors.push(e.message));
  await inbox.goto(server.url + '/inbox');
  const task = inbox.getByTestId('task');
  await task.waitFor();
  assert.equal(await task.count(), 1);
  assert.equal(await task.getByTestId('task-state').textContent(), 'Approve');
  assert.deepEqual(JSON.parse(await task.getByTestId('task-parameters').textContent()).MessageBody.input, checked(input));
  await task.getByTestId('approve-output').fill('{"approved": true, "by": "alice"}');
  await task.getByTestId('approve').click();
  await inbox.getByTestId('notice').waitFor();
  await inbox.close();

  await finished(page, 'SUCCEEDED');
  assert.equal(await statusOf(page, 'Succeed'), 'succeeded');
  assert.equal(await statusOf(page, 'Fail'), 'notrun');
  assert.deepEqual(JSON.parse(await page.getByTestId('execution-output').textContent()),
    { ...checked(input), decision: { approved: true, by: 'alice' } });
  await shot(page, 'tasks-succeeded.png');

  // The same machine with the test case "Approved": the mocks answer for the function and the
  // approver, so it succeeds without the inbox and without Lambda.
  await page.goto(`${server.url}/machines/${machine}/design`);
  await run(page, { orderId: 'o-mock', amount: 500 }, 'Approved');
  await finished(page, 'SUCCEEDED');
  assert.match(await page.getByTestId('execution-test-case').textContent(), /Approved/);
  assert.deepEqual((await page.getByTestId('mocked-state').allTextContents()).sort(), ['Approve', lambdaState].sort());
  assert.deepEqual(JSON.parse(await page.getByTestId('execution-output').textContent()),
    { ...checked({ orderId: 'o-mock', amount: 500 }), decision: { approved: true, by: 'bob' } });
  for (const state of [lambdaState, 'Choice', 'Approve', 'Succeed']) assert.equal(await statusOf(page, state), 'succeeded', state);
  await shot(page, 'tasks-mocked.png');

  // "Rejected": the mocked approver throws, the Catch leads to Fail.
  await page.goto(`${server.url}/machines/${machine}/design`);
  await run(page, { orderId: 'o-mock', amount: 500 }, 'Rejected');
  await finished(page, 'FAILED');
  assert.equal(await page.getByTestId('execution-error-name').textContent(), 'Failed');
  assert.equal(await statusOf(page, 'Approve'), 'caught');
  assert.equal(await statusOf(page, 'Fail'), 'failed');
  assert.equal(await statusOf(page, 'Succeed'), 'notrun');
  await shot(page, 'tasks-mocked-rejected.png');

  assert.equal(calls.length, 1, 'the mocked runs call no Lambda');
  assert.deepEqual(errors, []);
  await context.close();
});
