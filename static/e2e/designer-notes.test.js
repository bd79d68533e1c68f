// Notes on states (issue 16): a state's Comment is a note pinned to its node on the graph,
// in a Parallel's branch too; a double-click on the note edits it in place, N writes one on
// the selected state, an empty note removes the Comment, Escape cancels, Undo takes an edit
// back; the Notes toggle hides them and is remembered over a reload; an execution's page shows
// them too, read-only. Each step checks the document the designer would export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot, eventually, csrfHeaders } from './harness.js';
import { changed, designNew, documentText, inspect } from './designer-page.js';

const machine = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Comment": "Fetches the order from the shop's API and retries when it is slow",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "fetch"},
      "Next": "Fan"
    },
    "Fan": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Check", "States": {"Check": {"Type": "Pass", "Comment": "Checks the stock", "End": true}}},
        {"StartAt": "Bill", "States": {"Bill": {"Type": "Pass", "End": true}}}
      ],
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}
`;

const studio = useStudio();
const doc = async (page) => JSON.parse(await documentText(page));
const note = (page, state) => page.locator(`.canvas [id="note-state-${state}"]`);
const editor = (page) => page.getByTestId('note-editor');

// docWhere waits until the exported document satisfies check.
const docWhere = (page, what, check) => eventually(what, async () => check(await doc(page)));

test('a commented state shows its note, in a Parallel branch too', async () => {
  const { context, page, errors } = await designNew(studio, 'notes-show', machine);
  await note(page, 'Fetch').waitFor();
  assert.match(await note(page, 'Fetch').textContent(), /Fetches the order/);
  assert.equal(await note(page, 'Fetch').getAttribute('data-node'), 'state-Fetch');
  await note(page, 'Check').waitFor();
  assert.equal(await note(page, 'Bill').count(), 0, 'no note for a state without a Comment');
  const inside = await page.evaluate(() => {
    const b = document.getElementById('branch0-Fan').getBoundingClientRect();
    const n = document.getElementById('note-state-Check').getBoundingClientRect();
    return n.left >= b.left && n.right <= b.right && n.top >= b.top && n.bottom <= b.bottom;
  });
  assert.ok(inside, 'the note of Check is inside its branch');
  // The dashed line to a note is no arrow: nothing may be dropped on it.
  assert.equal(await page.locator('.canvas g.edge[id^="note-"]').count(), 0);
  await shot(page, 'designer-notes.png');

  // Left to right, the notes sit on their state's rank as well.
  await page.keyboard.press('l');
  await page.waitForFunction(() => document.querySelector('[data-testid="direction"]').getAttribute('aria-pressed') === 'true');
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await note(page, 'Check').waitFor();
  await shot(page, 'designer-notes-lr.png');
  await page.keyboard.press('l');
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.deepEqual(errors, []);
  await context.close();
});

test('double-click a note to edit it; Undo restores it; Escape cancels', async () => {
  const { context, page, errors } = await designNew(studio, 'notes-edit', machine);
  const old = "Fetches the order from the shop's API and retries when it is slow";
  await note(page, 'Fetch').dblclick();
  await editor(page).waitFor();
  assert.equal(await editor(page).inputValue(), old);
  await editor(page).fill('Fetches the order.\nRetries twice.');
  await shot(page, 'designer-notes-edit.png');
  let before = await documentText(page);
  await editor(page).press('Control+Enter');
  await changed(page, before);
  assert.equal((await doc(page)).States.Fetch.Comment, 'Fetches the order.\nRetries twice.');
  assert.equal(await editor(page).count(), 0, 'the editor closes');
  await page.waitForFunction(() => /Retries twice/.test(document.getElementById('note-state-Fetch')?.textContent || ''));

  // One edit, one undo step.
  await page.getByTestId('undo').click();
  await docWhere(page, 'the old Comment back', (d) => d.States.Fetch.Comment === "Fetches the order from the shop's API and retries when it is slow");

  // Escape leaves the document as it is.
  before = await documentText(page);
  await note(page, 'Check').dblclick();
  await editor(page).fill('not this');
  await editor(page).press('Escape');
  await editor(page).waitFor({ state: 'detached' });
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.equal(await documentText(page), before);
  assert.equal((await doc(page)).States.Fan.Branches[0].States.Check.Comment, 'Checks the stock');
  assert.deepEqual(errors, []);
  await context.close();
});

test('N writes a note on the selected state; an empty note removes the Comment', async () => {
  const { context, page, errors } = await designNew(studio, 'notes-key', machine);
  await inspect(page, 'Done');
  // Not while typing: N in the find box is a letter.
  await page.getByTestId('find').press('n');
  assert.equal(await editor(page).count(), 0);
  await page.getByTestId('find').fill('');

  await page.locator('.canvas [id="state-Done"]').click();
  await page.keyboard.press('n');
  await editor(page).waitFor();
  assert.equal(await editor(page).inputValue(), '');
  await editor(page).fill('All orders end here');
  const before = await documentText(page);
  await editor(page).blur(); // leaving the box saves it
  await changed(page, before);
  assert.equal((await doc(page)).States.Done.Comment, 'All orders end here');
  await note(page, 'Done').waitFor();

  // A note in a branch is edited the same way.
  await note(page, 'Check').dblclick();
  await editor(page).fill('Checks the stock twice');
  await editor(page).press('Control+Enter');
  await docWhere(page, 'the new Comment of Check', (d) => d.States.Fan.Branches[0].States.Check.Comment === 'Checks the stock twice');

  // The inspector's button opens the same editor, over the state's note.
  await inspect(page, 'Fetch');
  await shot(page, 'designer-notes-inspector.png');
  await page.getByTestId('edit-note').click();
  await editor(page).waitFor();
  assert.match(await editor(page).inputValue(), /^Fetches the order/);
  await editor(page).press('Escape');
  await editor(page).waitFor({ state: 'detached' });

  // Emptied: the field goes, and so does the note.
  await note(page, 'Done').dblclick();
  await editor(page).fill('');
  await editor(page).press('Control+Enter');
  await docWhere(page, 'Done without a Comment', (d) => !('Comment' in d.States.Done));
  await note(page, 'Done').waitFor({ state: 'detached' });

  // The shortcuts help lists N.
  await page.getByTestId('help').click();
  assert.match(await page.getByTestId('shortcuts').textContent(), /N, double-click a note/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Notes toggle hides the notes and is remembered over a reload', async () => {
  const { context, page, errors } = await designNew(studio, 'notes-toggle', machine);
  await note(page, 'Fetch').waitFor();
  const toggle = page.getByTestId('toggle-notes');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await toggle.click();
  await page.waitForFunction(() => document.querySelectorAll('.canvas .note').length === 0 && document.getElementById('state-Fetch'));
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await shot(page, 'designer-notes-hidden.png');

  await page.reload();
  // The page first shows the stored drawing, then draws it as asked.
  await page.waitForFunction(() => document.querySelectorAll('.canvas .note').length === 0 && document.getElementById('state-Fetch')
    && document.querySelector('[data-testid="toggle-notes"]').getAttribute('aria-pressed') === 'false');
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.equal(await page.locator('.canvas .note').count(), 0, 'still hidden once drawn');

  await page.getByTestId('toggle-notes').click();
  await note(page, 'Fetch').waitFor();
  await note(page, 'Check').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an execution\'s graph shows the notes, and its states still take their status', async () => {
  const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const definition = machine.replace('"Type": "Task"', '"Type": "Pass"').replace(/"Resource".*\n.*"Parameters".*\n/, '');
  const headers = await csrfHeaders(page.request, studio.server.url);
  const created = await page.request.post(`${studio.server.url}/machines`, { form: { name: 'notes-run', definition }, headers });
  assert.ok(created.ok(), `create machine: ${created.status()}`);
  const started = await page.request.post(`${studio.server.url}/machines/notes-run/executions`, { form: { input: '{}' }, headers });
  assert.ok(started.ok(), `start: ${started.status()}`);
  await page.goto(started.url());
  await page.waitForFunction(() => ['state-Fetch', 'state-Check', 'state-Done'].every((id) => document.getElementById(id)?.dataset.status === 'succeeded'));
  await page.locator('[id="note-state-Fetch"]').waitFor();
  await page.locator('[id="note-state-Check"]').waitFor();
  await shot(page, 'designer-notes-execution.png');
  assert.deepEqual(errors, []);
  await context.close();
});
