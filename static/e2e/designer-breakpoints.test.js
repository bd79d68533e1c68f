// Breakpoints in the designer (issue 18): B sets one on the selected state and a red dot shows
// it; the inspector's Debug tab gives it a condition (a bad one is refused beside the field)
// and a hit count; the list below the graph disables it (a ring) and removes it; it survives
// a reload, follows a rename, goes with its state, and never enters the ASL document or the
// undo history. The Run dialog's Debug button starts a run with debug=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot } from './harness.js';
import { changed, designAt, documentText, inspect, reveal } from './designer-page.js';

const machine = `{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Pass",
      "Next": "Both"
    },
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {
          "StartAt": "Inner",
          "States": {
            "Inner": {
              "Type": "Pass",
              "End": true
            }
          }
        }
      ],
      "Next": "Done"
    },
    "Done": {
      "Type": "Succeed"
    }
  }
}
`;

const studio = useStudio();

// settings is what the designer holds; saved waits until they satisfy check.
const settings = (page) => page.evaluate(() => document.getElementById('designer').designer.breakpoints.settings);
const saved = (page, check) => page.waitForFunction(`(${check})(document.getElementById('designer').designer.breakpoints.settings)`);
const dot = (page, state) => page.locator(`.canvas .bp-dot[data-state="${state}"]`);
const dotClass = (page, state) => dot(page, state).getAttribute('class');
const listItem = (page, state) => page.locator(`[data-testid="breakpoint"][data-state="${state}"]`);

test('breakpoints: set, condition, hit count, disable, reload, rename, remove, never in the ASL', async () => {
  const { context, page, errors } = await designAt(studio, 'bp', machine, 'Charge');
  const original = await documentText(page);
  const historyLength = await page.evaluate(() => document.getElementById('designer').designer.length);

  // B sets a breakpoint on the selected state: a filled dot, and a line in the list.
  await page.keyboard.press('b');
  await dot(page, 'Charge').waitFor();
  assert.match(await dotClass(page, 'Charge'), /bp-on/);
  await listItem(page, 'Charge').waitFor();
  assert.equal(await page.getByTestId('breakpoints').locator('li').count(), 1);

  // The Debug tab shows it; a bad condition is refused beside the field, and nothing is kept.
  await reveal(page, 'bp-condition');
  assert.equal(await page.getByTestId('bp-enabled').isChecked(), true);
  await page.getByTestId('bp-condition').fill('$.amount >');
  await page.getByTestId('bp-condition').blur();
  await page.getByTestId('bp-error').waitFor();
  assert.match(await page.getByTestId('bp-error').textContent(), /condition is not valid.*nothing to compare/);
  assert.equal(await page.getByTestId('bp-condition').getAttribute('aria-invalid'), 'true');
  assert.equal((await settings(page)).breakpoints[0].condition, undefined);

  // A good condition and a hit count are saved; the list says so.
  await page.getByTestId('bp-condition').fill('$.amount > 100');
  await page.getByTestId('bp-condition').blur();
  await saved(page, (s) => s.breakpoints[0]?.condition === '$.amount > 100');
  assert.equal(await page.getByTestId('bp-error').isHidden(), true);
  await page.getByTestId('bp-hit-count').fill('2');
  await page.getByTestId('bp-hit-count').blur();
  await saved(page, (s) => s.breakpoints[0]?.hitCount === 2);
  await listItem(page, 'Charge').filter({ hasText: '$.amount > 100 · hit 2' }).waitFor();

  // A breakpoint in a Parallel's branch, and Break on error for the machine.
  await inspect(page, 'Inner');
  await page.keyboard.press('b');
  await dot(page, 'Inner').waitFor();
  await page.getByTestId('break-on-error').check();
  await saved(page, (s) => s.breakOnError === true);

  // Disabled from the list: a ring.
  await listItem(page, 'Charge').getByTestId('breakpoint-enabled').uncheck();
  await saved(page, (s) => s.breakpoints.find((b) => b.state === 'Charge')?.enabled === false);
  await page.waitForFunction(() => document.querySelector('.canvas .bp-dot[data-state="Charge"]')?.classList.contains('bp-off'));

  // A click on a dot disables or enables its breakpoint, and selects nothing.
  await inspect(page, 'Charge');
  await dot(page, 'Inner').click();
  await saved(page, (s) => s.breakpoints.find((b) => b.state === 'Inner')?.enabled === false);
  await dot(page, 'Inner').click();
  await saved(page, (s) => s.breakpoints.find((b) => b.state === 'Inner')?.enabled === true);
  assert.equal(await page.getByTestId('inspector-state').textContent(), 'Charge');

  // None of it is in the document or its undo history.
  assert.equal(await documentText(page), original);
  assert.equal(await page.evaluate(() => document.getElementById('designer').designer.length), historyLength);
  assert.equal(await page.getByTestId('dirty-flag').isHidden(), true);

  // A reload finds them where they were.
  await page.reload();
  await dot(page, 'Inner').waitFor();
  assert.match(await dotClass(page, 'Charge'), /bp-off/);
  assert.match(await dotClass(page, 'Inner'), /bp-on/);
  assert.equal(await page.getByTestId('break-on-error').isChecked(), true);
  await inspect(page, 'Charge');
  await reveal(page, 'bp-condition');
  assert.equal(await page.getByTestId('bp-condition').inputValue(), '$.amount > 100');
  assert.equal(await page.getByTestId('bp-hit-count').inputValue(), '2');
  assert.equal(await page.getByTestId('bp-enabled').isChecked(), false);
  await shot(page, 'designer-breakpoints.png');

  // The exported document has no trace of them.
  const exported = await documentText(page);
  assert.equal(exported, original);
  for (const trace of ['reakpoint', 'amount > 100', 'hitCount', 'breakOnError']) assert.ok(!exported.includes(trace), trace);

  // A rename: the breakpoint follows the state (before the new name is even saved).
  const before = await documentText(page);
  await reveal(page, 'field-name');
  await page.getByTestId('field-name').fill('Charge card');
  await page.getByTestId('field-name').blur();
  await changed(page, before);
  await saved(page, (s) => s.breakpoints.some((b) => b.state === 'Charge card' && b.condition === '$.amount > 100'));
  await dot(page, 'Charge card').waitFor();
  assert.equal(await dot(page, 'Charge').count(), 0);
  await listItem(page, 'Charge card').waitFor();

  // Clicking a name in the list selects its state; × removes its breakpoint.
  await listItem(page, 'Inner').getByTestId('breakpoint-state').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Inner');
  await listItem(page, 'Charge card').getByTestId('breakpoint-remove').click();
  await saved(page, (s) => s.breakpoints.length === 1 && s.breakpoints[0].state === 'Inner');
  await dot(page, 'Charge card').waitFor({ state: 'detached' });

  // Deleting a state drops its breakpoint.
  const beforeDelete = await documentText(page);
  await page.getByTestId('delete-state').click();
  await changed(page, beforeDelete);
  await saved(page, (s) => s.breakpoints.length === 0);
  await page.getByTestId('breakpoints').locator('li.empty').waitFor();

  assert.deepEqual(errors, []);
  await context.close();
});

test('the Run dialog\'s Debug button starts a run with debug=1 and opens its page', async () => {
  const { context, page, errors } = await designAt(studio, 'bpRun', machine, 'Charge');
  const posted = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/machines/bpRun/executions')) posted.push(r.postData()); });
  await page.getByTestId('designer-run').click();
  await page.locator('[data-testid="run-dialog"][data-ready]').waitFor();
  assert.equal(await page.getByTestId('run-debug').textContent(), 'Debug');
  await page.getByTestId('run-input').fill('{"amount": 150}');
  await page.getByTestId('run-debug').click();
  await page.waitForURL('**/executions/*');
  assert.equal(posted.length, 1);
  assert.equal(new URLSearchParams(posted[0]).get('debug'), '1');

  // With unsaved changes it says which version it debugs; Run sends no debug field.
  await page.goto(studio.server.url + '/machines/bpRun/design');
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await page.evaluate(() => document.getElementById('designer').designer.editor.dispatch({ changes: { from: 0, insert: ' ' } }));
  await page.getByTestId('dirty-flag').waitFor();
  await page.getByTestId('designer-run').click();
  await page.locator('[data-testid="run-dialog"][data-ready]').waitFor();
  assert.equal(await page.getByTestId('run-debug').textContent(), 'Debug saved version');
  await page.getByTestId('run-start').click();
  await page.waitForURL('**/executions/*');
  assert.equal(posted.length, 2);
  assert.equal(new URLSearchParams(posted[1]).get('debug'), null);

  assert.deepEqual(errors, []);
  await context.close();
});
