// Copy and paste of states between two machines, each open in its own tab of one browser with
// the clipboard allowed: copy a Task and a Parallel (with its branch) in one, paste them after a
// state of the other, where a name is taken; undo; a paste of text that is not ASL; cut; copy
// with what follows. Ctrl+C and Ctrl+V are real key presses; the buttons go through
// navigator.clipboard. Each step checks the clipboard or the document the designer would export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStudio, shot, eventually } from './harness.js';
import { changed, documentText, inspect } from './designer-page.js';
import { nodeIdOf } from '../src/designer-names.js';

const source = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "fetch", "Payload.$": "$"},
      "Next": "Fan out"
    },
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        {
          "StartAt": "Left",
          "States": {
            "Left": {"Type": "Pass", "End": true}
          }
        }
      ],
      "Next": "Save"
    },
    "Save": {
      "Type": "Pass",
      "End": true
    }
  }
}
`;

const target = `{
  "StartAt": "Start",
  "States": {
    "Start": {
      "Type": "Pass",
      "Next": "Fetch"
    },
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Next": "Done"
    },
    "Done": {
      "Type": "Succeed"
    }
  }
}
`;

// What Copy puts on the clipboard for Fetch and Fan out: the two states as written, the Next
// out of the fragment (to Save) kept for Paste to decide.
const copied = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "fetch",
        "Payload.$": "$"
      },
      "Next": "Fan out"
    },
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        {
          "StartAt": "Left",
          "States": {
            "Left": {
              "Type": "Pass",
              "End": true
            }
          }
        }
      ],
      "Next": "Save"
    }
  }
}
`;

const studio = useStudio();

// openTabs creates the two machines (their names end with suffix) and opens each designer in
// its own page of one context, which may read and write the clipboard.
async function openTabs(suffix) {
  const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.server.url });
  const errors = [];
  const open = async (name, definition) => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(studio.server.url + '/');
    await page.getByTestId('create-name').fill(name);
    await page.getByTestId('create-definition').fill(definition);
    await page.getByTestId('create-submit').click();
    await page.waitForURL(`**/machines/${name}`);
    await page.goto(studio.server.url + `/machines/${name}/design`);
    await page.locator(`.canvas [id="${nodeIdOf('Start')}"], .canvas [id="${nodeIdOf('Fetch')}"]`).first().waitFor();
    return page;
  };
  return { context, errors, a: await open(`Source${suffix}`, source), b: await open(`Target${suffix}`, target) };
}

const doc = async (page) => JSON.parse(await documentText(page));
const clipboardText = (page) => page.evaluate(() => navigator.clipboard.readText());
const idle = (page) => page.evaluate(() => document.getElementById('designer').designer.idle());
const node = (page, name) => page.locator(`.canvas [id="${nodeIdOf(name)}"]`);

test('copy two states in one tab, paste them after a state in another, undo, refuse bad text', async () => {
  const { context, errors, a, b } = await openTabs('1');

  // Machine A: Fetch, then Shift+click Fan out; Ctrl+C on the graph.
  await inspect(a, 'Fetch');
  await node(a, 'Fan out').click({ modifiers: ['Shift'] });
  await a.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
  await a.keyboard.press('Control+c');
  await a.getByTestId('designer-notice').filter({ hasText: 'Copied 2 states as ASL JSON.' }).waitFor();
  assert.equal(await clipboardText(a), copied);

  // Machine B: select Start, Ctrl+V. Fetch is taken there, so it comes in as "Fetch copy";
  // Start leads to it, and Fan out, whose Next (Save) is not in B, goes where Start went.
  await b.bringToFront();
  await inspect(b, 'Start');
  const original = await documentText(b);
  await b.keyboard.press('Control+v');
  await changed(b, original);
  const pasted = await doc(b);
  assert.deepEqual(Object.keys(pasted.States), ['Start', 'Fetch copy', 'Fan out', 'Fetch', 'Done']);
  assert.equal(pasted.States.Start.Next, 'Fetch copy');
  assert.deepEqual(pasted.States['Fetch copy'], {
    Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'fetch', 'Payload.$': '$' }, Next: 'Fan out',
  });
  assert.equal(pasted.States['Fan out'].Next, 'Fetch');
  assert.deepEqual(pasted.States['Fan out'].Branches, [{ StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } }]);
  assert.equal(await b.getByTestId('designer-notice').textContent(), 'Pasted 2 states (renamed Fetch → Fetch copy).×');
  // The pasted states are the selection, and the graph has them with no problem.
  assert.equal(await b.locator('.canvas .node.multi').count(), 2);
  await node(b, 'Fetch copy').and(b.locator('.multi')).waitFor();
  assert.deepEqual(await b.getByTestId('diagnostics').locator('.diag-ERROR').allTextContents(), []);
  await shot(b, 'designer-paste.png');

  // One undo takes the whole paste back.
  const withPaste = await documentText(b);
  await b.keyboard.press('Control+z');
  await changed(b, withPaste);
  assert.equal(await documentText(b), original);

  // Text that is not ASL, through the real clipboard and the Paste button: refused, saying
  // what and where, and nothing changes.
  await b.evaluate(() => navigator.clipboard.writeText('{"Fetch": {"Resource": "x"}}'));
  await b.getByTestId('paste-states').click();
  await b.getByTestId('designer-error').filter({ hasText: 'no Type' }).waitFor();
  assert.equal(await b.getByTestId('designer-error').textContent(),
    'the pasted JSON at /Fetch: the state has no Type; it is one of "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"');
  await b.evaluate(() => navigator.clipboard.writeText('Fetch the order'));
  await b.getByTestId('paste-states').click();
  await b.getByTestId('designer-error').filter({ hasText: 'the pasted text is not JSON: line 1, column 1' }).waitFor();
  await idle(b);
  assert.equal(await documentText(b), original);

  assert.deepEqual(errors, []);
  await context.close();
});

test('cut with the button and paste elsewhere; copy with what follows', async () => {
  const { context, errors, a, b } = await openTabs('2');

  // Cut Save in A with the toolbar button (navigator.clipboard): it goes, Fan out now ends.
  await inspect(a, 'Save');
  const before = await documentText(a);
  await a.getByTestId('cut-states').click();
  await changed(a, before);
  assert.deepEqual(Object.keys((await doc(a)).States), ['Fetch', 'Fan out']);
  assert.equal((await doc(a)).States['Fan out'].End, true);
  assert.deepEqual(JSON.parse(await clipboardText(a)), { StartAt: 'Save', States: { Save: { Type: 'Pass', End: true } } });
  // One undo brings it back.
  const cut = await documentText(a);
  await a.getByTestId('undo').click();
  await changed(a, cut);
  assert.equal(await documentText(a), before);

  // Paste it in B with nothing selected: at the top level, linked to nothing yet.
  await b.bringToFront();
  const original = await documentText(b);
  await b.getByTestId('paste-states').click();
  await changed(b, original);
  assert.deepEqual((await doc(b)).States.Save, { Type: 'Pass', End: true });
  assert.equal(await b.getByTestId('designer-notice').textContent(), 'Pasted Save.×');
  await node(b, 'Save').and(b.locator('.selected')).waitFor();

  // Copy with what follows from Fan out in A (Ctrl+Shift+C): it and Save, not Fetch before it.
  await a.bringToFront();
  await inspect(a, 'Fan out');
  await a.keyboard.press('Control+Shift+C');
  await a.getByTestId('designer-notice').filter({ hasText: 'Copied 2 states' }).waitFor();
  assert.deepEqual(Object.keys(JSON.parse(await clipboardText(a)).States), ['Fan out', 'Save']);

  // In the code editor, Ctrl+C and Ctrl+V are the editor's own: its text, not states.
  await a.getByTestId('view-code').click();
  await a.locator('.cm-content').click();
  await a.keyboard.press('Control+a');
  await a.keyboard.press('Control+c');
  await eventually('the editor\'s text on the clipboard', async () => (await clipboardText(a)) === await documentText(a));
  // Pasting it back over the selected text pastes no states (that would add a renamed copy of
  // every state).
  const kept = await documentText(a);
  await a.keyboard.press('Control+v');
  await idle(a);
  assert.equal(await documentText(a), kept);
  assert.doesNotMatch(await a.getByTestId('designer-notice').textContent(), /Pasted/);
  assert.deepEqual(errors, []);
  await context.close();
});
