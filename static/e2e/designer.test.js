// The designer, as a user meets it: start a blank machine (one Pass state), build a callback workflow by
// dragging states from the palette onto the arrows, edit fields in the inspector, add a Catch,
// undo and redo, type in the code view (invalid JSON too), save, reload, export, and compare
// the exported JSON with the document we meant to build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir, eventually } from './harness.js';
import { documentText, dragOnto, editField, reveal } from './designer-page.js';

const start = `{
  "StartAt": "First step",
  "States": {
    "First step": {
      "Type": "Pass",
      "End": true
    }
  }
}
`;

// What the gestures below build, byte for byte: the dropped states and edited fields are
// written in the document's own style, the untouched parts stay as they were.
const expected = `{
  "Comment": "Orders wait for a person",
  "StartAt": "First step",
  "States": {
    "First step": {
      "Type": "Pass",
      "Next": "Approve"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {
          "input.$": "$",
          "token.$": "$$.Task.Token"
        }
      },
      "ResultPath": "$.decision",
      "Next": "Succeed",
      "Comment": "Waits for a person in the inbox",
      "TimeoutSeconds": 3600,
      "Catch": [
        {
          "ErrorEquals": [
            "States.ALL"
          ],
          "Next": "Fail"
        }
      ]
    },
    "Fail": {
      "Type": "Fail",
      "Error": "Failed",
      "Cause": "Something went wrong."
    },
    "Succeed": {
      "Type": "Succeed"
    }
  }
}
`;

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

const shot = (page, name) => page.screenshot({ path: join(screenshotDir, name), fullPage: true });

const editorText = (page) => page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString());
const node = (page, id) => page.locator(`.canvas [id="${id}"]`);

test('build a workflow by drag and drop, edit, undo, type, save and export', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1500, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill('orders');
  await page.getByTestId('create-blank').click();
  await page.waitForURL('**/machines/orders/design');
  assert.equal(await editorText(page), start, 'a blank machine is one Pass state');
  await node(page, 'state-First_20_step').waitFor();

  // The palette's search narrows the list.
  await page.keyboard.press('Control+f');
  await page.keyboard.type('callback');
  assert.equal(await page.getByTestId('palette-Approval (callback)').isVisible(), true);
  assert.equal(await page.getByTestId('palette-Pass').isVisible(), false);
  await page.getByTestId('palette-search').fill('');

  await dragOnto(page, 'Approval (callback)', 'edge-First_20_step-end-0');
  await node(page, 'state-Approve').waitFor();
  assert.equal(await page.getByTestId('inspector-state').textContent(), 'Approve', 'the dropped state is selected');
  await dragOnto(page, 'Succeed', 'edge-Approve-end-0');
  await node(page, 'state-Succeed').waitFor();
  await shot(page, 'designer-dropped.png');

  // The inspector edits the selected state.
  await node(page, 'state-Approve').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Approve');
  // Selecting a state shows its JSON in the code view.
  await page.waitForFunction(() => {
    const ed = document.getElementById('designer').designer.editor;
    const sel = ed.state.selection.main;
    return ed.state.sliceDoc(sel.from, sel.to).startsWith('"Approve": {');
  });
  await editField(page, 'Comment', 'Waits for a person in the inbox');
  await editField(page, 'TimeoutSeconds', '3600');
  // Add a catcher: it leads to the first other state; errors are a comma-separated list.
  let before = await documentText(page);
  await reveal(page, 'add-catch');
  await page.getByTestId('add-catch').click();
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, before);
  await page.locator('[id="edge-Approve-catch-0"]').waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('catch-0-Next').inputValue(), 'First step');
  before = await documentText(page);
  await page.getByTestId('catch-0-Next').selectOption('Succeed');
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, before);
  await editField(page, 'Catch-0-ErrorEquals', 'States.TaskFailed, States.Timeout');
  await editField(page, 'Catch-0-ErrorEquals', 'States.ALL');
  // A retrier added and removed leaves nothing behind.
  await page.getByTestId('add-retry').click();
  await page.getByTestId('retrier-0').waitFor();
  assert.match(await documentText(page), /"MaxAttempts": 3/);
  before = await documentText(page);
  await page.getByTestId('retrier-0').getByText('Remove retrier').click();
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, before);
  assert.doesNotMatch(await documentText(page), /Retry/);
  await shot(page, 'designer-catch.png');

  // A Fail dropped on the catch arrow ends that path.
  await dragOnto(page, 'Fail', 'edge-Approve-catch-0');
  await node(page, 'state-Fail').waitFor();
  const built = await documentText(page);
  await shot(page, 'designer-inspector.png');

  // Undo and redo walk the edits, with the buttons and the keys.
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => !document.querySelector('.canvas [id="state-Fail"]'));
  assert.ok(!(await documentText(page)).includes('"Fail"'));
  await page.keyboard.press('Control+Shift+z');
  await node(page, 'state-Fail').waitFor();
  assert.equal(await documentText(page), built);

  // A bad edit is refused with a message, and nothing changes.
  await node(page, 'state-Approve').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Approve');
  await page.getByTestId('field-name').fill('First step');
  await page.getByTestId('field-name').blur();
  await page.getByTestId('designer-error').waitFor();
  assert.match(await page.getByTestId('designer-error').textContent(), /First step/);
  assert.equal(await documentText(page), built);

  // Code view: invalid JSON keeps the graph and says where; fixing it goes on.
  await page.getByTestId('view-both').click(); // the graph alone at first: the code view beside it
  const code = page.locator('.cm-content');
  await code.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('oops');
  await page.getByTestId('code-error').waitFor();
  assert.match(await page.getByTestId('code-error').textContent(), /line \d+, column \d+/);
  assert.equal(await node(page, 'state-Fail').count(), 1, 'the last good graph stays');
  await page.locator('.cm-lintRange-error').first().waitFor();
  await shot(page, 'designer-invalid-json.png');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelector('[data-testid="code-error"]').hidden);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('"Comment": "Orders wait for a person",');
  await page.waitForFunction(() => document.getElementById('designer').designer.current().includes('Orders wait'));
  assert.equal(await documentText(page), expected);
  assert.equal(await editorText(page), expected);
  assert.equal(await page.getByTestId('dirty-flag').isVisible(), true);

  // A reload keeps the unsaved work.
  await page.reload();
  await page.getByTestId('designer-notice').waitFor();
  await page.waitForFunction(() => document.querySelector('.canvas [id="state-Fail"]'));
  assert.equal(await editorText(page), expected);

  // Save makes version 2.
  await page.getByTestId('designer-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="designer-notice"]').textContent.includes('version 2'));
  assert.equal(await page.getByTestId('dirty-flag').isVisible(), false);
  const stored = await (await fetch(server.url + '/machines/orders/definition.asl.json')).text();
  assert.equal(stored, expected);
  await page.getByRole('link', { name: 'orders' }).click();
  await page.waitForURL('**/machines/orders');
  assert.match(await page.textContent('body'), /version 2/);
  await page.getByTestId('open-designer').click();
  await page.waitForURL('**/machines/orders/design');
  await node(page, 'state-Fail').waitFor();
  assert.equal(await editorText(page), expected, 'the designer opens the saved version, with no stale draft');

  // Export: download, copy and SVG.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  assert.equal(download.suggestedFilename(), 'orders.asl.json');
  assert.equal(await readFile(await download.path(), 'utf8'), expected);
  await page.getByTestId('copy-json').click();
  // The button writes the clipboard asynchronously, after the click has returned.
  await eventually('the copied JSON on the clipboard', async () => (await page.evaluate(() => navigator.clipboard.readText())) === expected);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  assert.match(await readFile(await svg.path(), 'utf8'), /^<svg[\s\S]*state-Approve[\s\S]*<\/svg>$/);

  // Keyboard: ? shows the shortcuts; Delete removes the selected state.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts').waitFor();
  await shot(page, 'designer-shortcuts.png');
  await page.keyboard.press('Escape');
  await node(page, 'state-First_20_step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'First step');
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => !document.querySelector('.canvas [id="state-First_20_step"]'));
  assert.match(await documentText(page), /"StartAt": "Approve"/);
  await shot(page, 'designer-final.png');

  // Leaving with unsaved changes (the delete) asks first. The test then leaves: staying
  // (dialog.dismiss()) and closing the context afterwards takes this Chromium down now and
  // then (in a loop of dismiss-then-close, within a few rounds; never after accept).
  assert.equal(await page.getByTestId('dirty-flag').isVisible(), true);
  const asked = new Promise((resolve) => page.once('dialog', resolve));
  const closed = new Promise((resolve) => page.once('close', resolve));
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  assert.equal(dialog.type(), 'beforeunload');
  await dialog.accept();
  await closed;

  assert.deepEqual(errors, []);
  await context.close();
});
