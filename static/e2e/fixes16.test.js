// Issue 16's fixes as a user meets them: a long left-right graph that Fit keeps readable, an
// empty rename that says why it is refused, the restored-draft notice dismissed, a blank
// machine's first state, an inbox Approve with bad JSON fixed in place, a caught error that
// names the state that raised it, the execution page's find, fit and zoom, its picker in
// order and its events with their iteration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useStudio, shot, csrfHeaders, screenshotDir } from './harness.js';
import { changed, designAt, documentText, editField, inspect, reveal } from './designer-page.js';
import { nodeIdOf } from '../src/designer-names.js';

const studio = useStudio();

// chain is a machine of n Pass states in a row, "Step 1" to "Step n".
function chain(n) {
  const States = {};
  for (let i = 1; i <= n; i++) States[`Step ${i}`] = i < n ? { Type: 'Pass', Next: `Step ${i + 1}` } : { Type: 'Pass', End: true };
  return JSON.stringify({ StartAt: 'Step 1', States }, null, 2);
}

const approval = JSON.stringify({
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
});

// No Lambda endpoint is configured: Charge fails, its Catch leads through Note to Refuse.
// Hold waits long enough for the page to open first: the banner comes over the websocket.
const caught = JSON.stringify({
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 3, Next: 'Charge' },
    Charge: {
      Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:charge',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Note' }], End: true,
    },
    Note: { Type: 'Pass', Next: 'Refuse' },
    Refuse: { Type: 'Fail', Error: 'PaymentRefused', Cause: 'The order could not be charged.' },
  },
});

// Three branches and a Map of twelve, all at once: they start in any order.
const fanOut = JSON.stringify({
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel', ResultPath: '$.branches', Next: 'Each',
      Branches: [0, 1, 2].map((i) => ({ StartAt: `B${i}`, States: { [`B${i}`]: { Type: 'Pass', End: true } } })),
    },
    Each: {
      Type: 'Map', ItemsPath: '$.items', End: true,
      ItemProcessor: { StartAt: 'One', States: { One: { Type: 'Pass', End: true } } },
    },
  },
});

async function newPage(viewport = { width: 1400, height: 900 }) {
  const context = await studio.browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function createMachine(page, name, definition) {
  const headers = await csrfHeaders(page.request, studio.server.url);
  const created = await page.request.post(`${studio.server.url}/machines`, { form: { name, definition }, headers });
  assert.ok(created.ok(), `create ${name}: ${created.status()}`);
}

// startRun starts an execution of the machine and returns its page's address.
async function startRun(page, name, input = '{}') {
  const headers = await csrfHeaders(page.request, studio.server.url);
  const started = await page.request.post(`${studio.server.url}/machines/${name}/executions`, { form: { input }, headers });
  assert.ok(started.ok(), `start ${name}: ${started.status()}`);
  return started.url();
}

// designChain opens the designer of a new chain of n states, with state selected.
async function designChain(name, n, state) {
  const opened = await newPage();
  await createMachine(opened.page, name, chain(n));
  await opened.page.goto(`${studio.server.url}/machines/${name}/design`);
  await inspect(opened.page, state);
  return opened;
}

// boxHeight is the height on screen of a state's box in the canvas.
const boxHeight = (page, state) => page.locator(`[id="${nodeIdOf(state)}"] path`).first().evaluate((p) => p.getBoundingClientRect().height);

test('Fit keeps a 150-state left-right chain readable, scrolled along it', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'long-lr', chain(150));
  await page.addInitScript(() => localStorage.setItem('stepstudio-direction', 'LR'));
  await page.goto(`${studio.server.url}/machines/long-lr/design`);
  await page.locator('.canvas [id="state-Step_20_150"]').waitFor({ state: 'attached' });
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await page.getByTestId('zoom-in').click();
  await page.getByTestId('fit').click();
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');
  const h = await boxHeight(page, 'Step 1');
  assert.ok(h >= 20, `a node box is ${h} px tall after Fit`);
  const canvas = await page.getByTestId('canvas').evaluate((c) => ({ scroll: c.scrollWidth, width: c.clientWidth }));
  assert.ok(canvas.scroll > canvas.width * 5, `the chain scrolls along its length: ${JSON.stringify(canvas)}`);
  await shot(page, 'fixes16-lr-fit.png');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an empty name is refused with the reason, and the next good edit clears it', async () => {
  const { context, page, errors } = await designChain('renames', 3, 'Step 2');
  const before = await documentText(page);
  await page.getByTestId('field-name').fill('');
  await page.getByTestId('field-name').blur();
  await page.getByTestId('designer-error').waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /a state name cannot be empty/);
  assert.equal(await documentText(page), before, 'nothing changed');
  await shot(page, 'fixes16-empty-rename.png');
  assert.equal(await page.getByTestId('field-name').inputValue(), 'Step 2', 'the form shows the name kept');
  await editField(page, 'name', 'Middle');
  assert.equal(await page.getByTestId('designer-error').isHidden(), true, 'the old problem is gone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the restored-draft notice is dismissed and stays closed', async () => {
  const { context, page, errors } = await designChain('drafts', 2, 'Step 1');
  await editField(page, 'Comment', 'not saved yet');
  page.on('dialog', (d) => d.accept()); // leaving with unsaved work asks first
  await page.reload();
  const notice = page.getByTestId('designer-notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /Restored your unsaved changes/);
  await shot(page, 'fixes16-restored.png');
  await page.getByTestId('dismiss-notice').click();
  assert.equal(await notice.isHidden(), true);
  await page.reload();
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.match(await documentText(page), /not saved yet/, 'the draft is still restored');
  assert.equal(await notice.isHidden(), true, 'the dismissed notice stays closed');
  assert.deepEqual(errors, []);
  await context.close();
});

test("a blank machine's first state is not named Start", async () => {
  const { context, page, errors } = await newPage();
  await page.goto(studio.server.url + '/');
  await page.getByTestId('create-name').fill('blank16');
  await page.getByTestId('create-blank').click();
  await page.waitForURL('**/machines/blank16/design');
  await page.locator('.canvas [id="state-First_20_step"]').waitFor();
  const doc = JSON.parse(await documentText(page));
  assert.equal(doc.StartAt, 'First step');
  assert.deepEqual(Object.keys(doc.States), ['First step']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the inbox list checks the output JSON in place, and says what Reject does', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'approvals16', approval);
  await startRun(page, 'approvals16');
  await page.goto(`${studio.server.url}/inbox`);
  const task = page.getByTestId('task').first();
  await task.waitFor();
  const output = task.getByTestId('approve-output');
  await output.fill('{"approved": tru}');
  assert.match(await task.getByTestId('output-check').textContent(), /Not valid JSON at line 1/);
  assert.equal(await task.getByTestId('approve').isDisabled(), true);
  assert.match(await task.getByTestId('reject-help').textContent(), /fails the task with this error and cause.*Catch/s);
  await shot(page, 'fixes16-inbox-bad-json.png');
  // Sent anyway (the button is off, the form is not): the page stays, the problem is said.
  await output.evaluate((el) => el.closest('form').requestSubmit());
  assert.equal(page.url(), `${studio.server.url}/inbox`);
  await output.fill('{"approved": true}');
  assert.equal(await task.getByTestId('output-check').textContent(), '');
  await task.getByTestId('approve').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /Approved task/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a caught error that led to a Fail state is shown with the state that raised it', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'caught16', caught);
  const url = await startRun(page, 'caught16');
  await page.goto(url);
  assert.equal(await page.getByTestId('execution-status').textContent(), 'RUNNING', 'the page opened before the failure');
  assert.equal(await page.getByTestId('execution-caught').isHidden(), true);
  await page.getByTestId('execution-status').filter({ hasText: 'FAILED' }).waitFor();
  await page.getByTestId('execution-caught').waitFor();
  assert.equal(await page.getByTestId('execution-error-name').textContent(), 'PaymentRefused');
  assert.notEqual(await page.getByTestId('caught-error-name').textContent(), '');
  assert.notEqual(await page.getByTestId('caught-error-cause').textContent(), '');
  assert.equal(await page.getByTestId('show-raising-state').textContent(), 'Charge');
  await shot(page, 'fixes16-caught.png');
  await page.getByTestId('show-raising-state').click();
  await page.getByTestId('visit-state').filter({ hasText: 'Charge' }).waitFor();
  assert.equal(await page.getByTestId('visit-status').textContent(), '⚠ caught error');
  // A reload draws the same banner from the stored history.
  const live = await page.getByTestId('execution-error').innerText();
  await page.reload();
  assert.equal(await page.getByTestId('execution-error').innerText(), live);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the execution page of a 150-state run finds, fits and zooms', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'long-run', chain(150));
  const url = await startRun(page, 'long-run');
  await page.goto(url);
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');
  assert.ok(await boxHeight(page, 'Step 1') >= 20, 'Fit keeps the boxes readable');
  const fitted = await boxHeight(page, 'Step 1');
  await page.getByTestId('zoom-in').click();
  assert.match(await page.getByTestId('zoom-level').textContent(), /^\d+%$/);
  assert.ok(await boxHeight(page, 'Step 1') > fitted, 'zoomed in');
  await page.getByTestId('zoom-out').click();
  await page.getByTestId('zoom-out').click();
  assert.ok(await boxHeight(page, 'Step 1') < fitted, 'zoomed out');
  await page.getByTestId('fit').click();
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');
  await page.getByTestId('find').fill('step 120');
  await page.getByTestId('find').press('Enter');
  await page.getByTestId('visit-state').filter({ hasText: 'Step 120' }).waitFor();
  const seen = await page.evaluate((id) => {
    const n = document.getElementById(id).getBoundingClientRect();
    const g = document.querySelector('[data-testid="graph"]').getBoundingClientRect();
    return n.top >= g.top && n.bottom <= g.bottom && document.getElementById(id).classList.contains('selected');
  }, nodeIdOf('Step 120'));
  assert.ok(seen, 'the found state is selected and in view');
  // The page as it is on screen: a full-page shot resizes the window, which moves the graph.
  await page.screenshot({ path: join(screenshotDir, 'fixes16-run-find.png') });
  await page.getByTestId('graph').evaluate((g) => g.scrollTo(0, 0));
  await page.getByTestId('centre').click();
  assert.ok(await page.getByTestId('graph').evaluate((g) => g.scrollTop > 0), 'Centre scrolls back to the selected state');
  // The designer's keys: + zooms, F fits, C centres, Ctrl+F finds; typed into the find box they
  // are text.
  await page.getByTestId('graph').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('+');
  assert.match(await page.getByTestId('zoom-level').textContent(), /^\d+%$/);
  await page.keyboard.press('f');
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');
  await page.keyboard.press('Control+f');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'find');
  await page.keyboard.type('+f');
  assert.equal(await page.getByTestId('find').inputValue(), '+f');
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the picker lists branches and iterations by number; events show their iteration and time', async () => {
  const { context, page, errors } = await newPage();
  await createMachine(page, 'fan16', fanOut);
  const url = await startRun(page, 'fan16', JSON.stringify({ items: [...Array(12).keys()] }));
  await page.goto(url);
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  const options = await page.getByTestId('scope-picker').locator('option').allTextContents();
  assert.deepEqual(options, ['the whole execution', 'Both branch 1', 'Both branch 2', 'Both branch 3',
    ...[...Array(12).keys()].map((i) => `Each #${i}`)]);

  await page.getByTestId('tab-events').click();
  await page.getByTestId('event-filter').fill('B1');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="events"] tbody tr.event-row')].every((r) => r.cells[2].textContent === 'B1'));
  const cells = await page.locator('[data-testid="events"] tbody tr.event-row').first().evaluate((r) => ({
    scope: r.cells[3].textContent,
    time: r.cells[4].textContent,
    timeCut: r.cells[4].scrollWidth > r.cells[4].clientWidth,
    header: [...r.closest('table').tHead.rows[0].cells].map((c) => c.textContent),
  }));
  assert.deepEqual(cells.header, ['#', 'Type', 'State', 'Iteration / branch', 'Time (UTC)', 'Details']);
  assert.equal(cells.scope, 'Both branch 2');
  assert.match(cells.time, /^\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(cells.timeCut, false, 'the time is not cut');
  // A Map's events about one iteration name it.
  await page.getByTestId('event-filter').fill('MapIterationStarted');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="events"] tbody tr.event-row')].every((r) => r.cells[1].textContent === 'MapIterationStarted'));
  const iterations = await page.locator('[data-testid="events"] tbody tr.event-row').evaluateAll((rows) => rows.map((r) => r.cells[3].textContent));
  assert.equal(iterations.length, 12);
  assert.ok(iterations.every((t) => /^Each #\d+$/.test(t)), iterations.join());
  await page.getByTestId('event-filter').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="events"] tbody tr.event-row').length === 25);
  await shot(page, 'fixes16-events.png');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the inspector keeps its tab across a reload', async () => {
  const { context, page, errors } = await designAt(studio, 'tab-kept', chain(2), 'Step 1');
  await page.getByTestId('tab-io').click();
  await page.reload();
  await inspect(page, 'Step 2');
  assert.equal(await page.getByTestId('tab-io').getAttribute('aria-selected'), 'true');
  assert.ok(await page.locator('[data-tab-panel="io"]').first().isVisible(), 'the Input/Output section is shown');
  await page.getByTestId('tab-config').click();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a narrow window stacks the palette, the graph and the inspector', async () => {
  const { context, page, errors } = await newPage({ width: 800, height: 900 });
  await createMachine(page, 'narrow', chain(3));
  await page.goto(`${studio.server.url}/machines/narrow/design`);
  await inspect(page, 'Step 2');
  const box = (id) => page.getByTestId(id).boundingBox();
  const [palette, canvas, inspector] = [await box('palette'), await box('canvas-panel'), await box('inspector')];
  assert.ok(canvas.width > 700, `the graph takes the window's width: ${canvas.width}px`);
  assert.ok(canvas.height >= 360, `and most of its height: ${canvas.height}px`);
  assert.ok(palette.y + palette.height <= canvas.y, 'the palette is above the graph');
  assert.ok(inspector.y >= canvas.y + canvas.height, 'the inspector is below the graph');
  await editField(page, 'Comment', 'edited in a narrow window');
  assert.match(await documentText(page), /"Comment": "edited in a narrow window"/);
  await shot(page, 'fixes16-narrow.png');
  assert.deepEqual(errors, []);
  await context.close();
});

test("Add catcher makes its target when the scope has no other state", async () => {
  const only = JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } }, null, 2);
  const { context, page, errors } = await designAt(studio, 'only-state', only, 'Call');
  await (await reveal(page, 'add-catch')).click();
  assert.equal(await page.getByTestId('new-state-type').inputValue(), 'Fail');
  const before = await documentText(page);
  await page.getByTestId('new-state-create').click();
  await changed(page, before);
  const doc = JSON.parse(await documentText(page));
  assert.deepEqual(doc.States.Call.Catch, [{ ErrorEquals: ['States.ALL'], Next: 'Fail' }]);
  assert.equal(doc.States.Fail.Type, 'Fail');
  await page.locator(`.canvas [id="${nodeIdOf('Fail')}"]`).waitFor();
  await page.keyboard.press('Control+z');
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() === b, before);
  assert.deepEqual(errors, []);
  await context.close();
});
