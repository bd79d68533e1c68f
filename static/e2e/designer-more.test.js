// The designer beyond the palette: open a state from the URL, find a state, drag states to
// move them (on an arrow, onto the + marker of a new Parallel branch), wrap a shift-clicked
// chain in a Parallel, lay the graph out left to right, zoom, and edit from the outline with
// the keyboard alone, then undo and redo across reloads of the page. Each step checks the
// document the designer would export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshotDir } from './harness.js';

const flow = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {
      "Type": "Pass",
      "Next": "Check"
    },
    "Check": {
      "Type": "Pass",
      "Next": "Store"
    },
    "Store": {
      "Type": "Pass",
      "Next": "Fan"
    },
    "Fan": {
      "Type": "Parallel",
      "Next": "Done",
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
      ]
    },
    "Done": {
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
const documentText = (page) => page.evaluate(() => document.getElementById('designer').designer.current());
const doc = async (page) => JSON.parse(await documentText(page));
const inspected = (page) => page.evaluate(() => document.querySelector('[data-testid="inspector-state"]')?.textContent || '');
// changed waits for the document to change and for the page to show the server's answer.
async function changed(page, before) {
  await page.waitForFunction((b) => document.getElementById('designer').designer.current() !== b, before, { timeout: 30000 });
  await page.evaluate(() => document.getElementById('designer').designer.idle());
}

// centreOf is where an element of the graph is on the screen.
async function centreOf(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

// pointOnEdge is the middle of an edge's path on the screen.
function pointOnEdge(page, edgeId) {
  return page.locator(`[id="${edgeId}"] path`).evaluate((path) => {
    const pt = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM();
    return { x: m.a * pt.x + m.c * pt.y + m.e, y: m.b * pt.x + m.d * pt.y + m.f };
  });
}

// dragState presses on a state's node and moves the mouse as a person does; target gives the
// place to let go once the drag has started (markers appear only then).
async function dragState(page, name, target, { screenshot } = {}) {
  const before = await documentText(page);
  const from = await centreOf(page, `.canvas [id="state-${name}"]`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 15, from.y + 15, { steps: 3 });
  const to = await target();
  await page.mouse.move(to.x + 10, to.y + 10, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  if (screenshot) await shot(page, screenshot);
  await page.mouse.up();
  try {
    await changed(page, before);
  } catch {
    throw new Error(`moving ${name} changed nothing: ${await page.getByTestId('designer-error').textContent()}`);
  }
}

// dragPalette drags a palette item as dragState drags a state.
async function dragPalette(page, item, target) {
  const before = await documentText(page);
  await page.getByTestId(`palette-${item}`).hover();
  await page.mouse.down();
  const from = await centreOf(page, `[data-testid="palette-${item}"]`);
  await page.mouse.move(from.x + 30, from.y + 10, { steps: 3 });
  const to = await target();
  await page.mouse.move(to.x + 10, to.y + 10, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
  await changed(page, before);
}

test('move, wrap, find, lay out and edit from the outline', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1500, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(server.url + '/');
  await page.getByTestId('create-name').fill('flow');
  await page.getByTestId('create-definition').fill(flow);
  await page.getByTestId('create-submit').click();
  await page.waitForURL('**/machines/flow');

  // A URL anchor opens the designer on a state.
  await page.goto(server.url + '/machines/flow/design#state=Check');
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Check');
  assert.equal(await page.getByTestId('outline-Check').getAttribute('aria-selected'), 'true');
  assert.ok(await page.locator('.canvas [id="state-Check"].selected').count());

  // Next is a dropdown of the states of the same scope, and "none" ends the flow there.
  const options = await page.getByTestId('field-Next').locator('option').allTextContents();
  assert.deepEqual(options, ['(none: the flow ends here)', 'Fetch', 'Store', 'Fan', 'Done']);
  assert.equal(await page.getByTestId('field-Next').inputValue(), 'Store');

  // Find selects and centres a state, and the URL follows.
  await page.getByTestId('find').fill('stor');
  await page.getByTestId('find').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Store');
  assert.match(page.url(), /#state=Store$/);

  // Drag Fetch onto the arrow from Store to Fan: it moves there.
  await dragState(page, 'Fetch', () => pointOnEdge(page, 'edge-Store-next-0'));
  let d = await doc(page);
  assert.equal(d.StartAt, 'Check');
  assert.equal(d.States.Store.Next, 'Fetch');
  assert.equal(d.States.Fetch.Next, 'Fan');
  assert.equal(await inspected(page), 'Store', 'a move keeps the selection');

  // Drag Fetch onto the + of a new branch of Fan: markers show where it can land.
  await dragState(page, 'Fetch', () => centreOf(page, '[data-testid="drop-container-Fan"] circle'), { screenshot: 'designer-move-markers.png' });
  d = await doc(page);
  assert.equal(d.States.Store.Next, 'Fan');
  assert.equal(d.States.Fetch, undefined);
  assert.deepEqual(d.States.Fan.Branches[1], { StartAt: 'Fetch', States: { Fetch: { Type: 'Pass', End: true } } });
  assert.equal(await page.locator('.drop-marker').count(), 0, 'the markers go when the drag ends');

  // A palette item dropped on the same + makes a third branch.
  await dragPalette(page, 'Wait', () => centreOf(page, '[data-testid="drop-container-Fan"] circle'));
  d = await doc(page);
  assert.deepEqual(d.States.Fan.Branches[2], { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 5, End: true } } });
  assert.equal(await inspected(page), 'Wait');
  // Deleting the only state of a branch deletes the branch; undo brings both back.
  let before = await documentText(page);
  await page.keyboard.press('Delete');
  await changed(page, before);
  assert.equal((await doc(page)).States.Fan.Branches.length, 2, 'the branch goes with its only state');
  before = await documentText(page);
  await page.keyboard.press('Control+z');
  await changed(page, before);
  assert.equal((await doc(page)).States.Fan.Branches.length, 3, 'undo brings the branch back');
  before = await documentText(page);
  await page.keyboard.press('Control+z');
  await changed(page, before);
  assert.equal((await doc(page)).States.Fan.Branches.length, 2, 'undo takes the new branch away');

  // Drag Store into the first branch, onto the arrow after Left.
  await dragState(page, 'Store', () => pointOnEdge(page, 'edge-Left-join-0'));
  d = await doc(page);
  assert.equal(d.States.Check.Next, 'Fan');
  assert.deepEqual(d.States.Fan.Branches[0], { StartAt: 'Left', States: { Left: { Type: 'Pass', Next: 'Store' }, Store: { Type: 'Pass', End: true } } });

  // Shift+click selects a chain; G wraps it in a Parallel.
  await page.locator('.canvas [id="state-Left"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Left');
  await page.locator('.canvas [id="state-Store"]').click({ modifiers: ['Shift'] });
  assert.match(await page.getByTestId('selection-count').textContent(), /^2 selected/);
  assert.equal(await page.locator('.canvas .node.multi').count(), 2);
  await shot(page, 'designer-multi-select.png');
  before = await documentText(page);
  await page.keyboard.press('g');
  await changed(page, before);
  d = await doc(page);
  const branch = d.States.Fan.Branches[0];
  assert.equal(branch.StartAt, 'Parallel');
  assert.equal(branch.States.Parallel.Type, 'Parallel');
  assert.equal(branch.States.Parallel.End, true);
  assert.deepEqual(Object.keys(branch.States.Parallel.Branches[0].States), ['Left', 'Store']);
  assert.equal(await inspected(page), 'Parallel', 'the wrapper is selected');
  assert.equal(await page.getByTestId('selection-count').textContent(), '');

  // Left-right layout: the graph is wider than tall; the choice is kept.
  const ratio = () => page.evaluate(() => {
    const vb = document.querySelector('.canvas svg').viewBox.baseVal;
    return vb.width / vb.height;
  });
  const tall = await ratio();
  await page.getByTestId('direction').click();
  await page.waitForFunction((r) => document.querySelector('.canvas svg').viewBox.baseVal.width / document.querySelector('.canvas svg').viewBox.baseVal.height > r * 2, tall);
  assert.equal(await page.getByTestId('direction').textContent(), 'Left-right');
  assert.equal(await page.getByTestId('direction').getAttribute('aria-pressed'), 'true');
  await shot(page, 'designer-left-right.png');

  // Zoom: the buttons and Ctrl+wheel; Fit goes back.
  const width = () => page.evaluate(() => document.querySelector('.canvas svg').getBoundingClientRect().width);
  const fitted = await width();
  await page.getByTestId('zoom-in').click();
  assert.ok((await width()) > fitted * 1.2, 'zoom in makes the graph larger');
  assert.match(await page.getByTestId('zoom-level').textContent(), /^\d+%$/);
  const c = await centreOf(page, '[data-testid="canvas"]');
  await page.mouse.move(c.x, c.y);
  await page.keyboard.down('Control');
  const zoomed = await width();
  await page.mouse.wheel(0, 100);
  await page.keyboard.up('Control');
  await page.waitForFunction((w) => document.querySelector('.canvas svg').getBoundingClientRect().width < w, zoomed);

  await page.getByTestId('fit').click();
  assert.equal(await page.getByTestId('zoom-level').textContent(), 'Fit');

  // Back to top-down for the rest.
  await page.getByTestId('direction').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="direction"]').textContent === 'Top-down');

  // Centre brings the selected state to the middle of the zoomed canvas.
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  await page.getByTestId('outline-Fetch').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Fetch');
  await page.getByTestId('centre').click();
  // The state is in the middle, or as near as the canvas can scroll (a state near the
  // graph's edge cannot reach the middle).
  const off = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]');
    const n = document.getElementById('state-Fetch').getBoundingClientRect();
    const c = canvas.getBoundingClientRect();
    const dx = n.x + n.width / 2 - (c.x + c.width / 2);
    const dy = n.y + n.height / 2 - (c.y + c.height / 2);
    const stuckX = (dx < 0 && canvas.scrollLeft <= 0) || (dx > 0 && canvas.scrollLeft >= canvas.scrollWidth - canvas.clientWidth - 1);
    const stuckY = (dy < 0 && canvas.scrollTop <= 0) || (dy > 0 && canvas.scrollTop >= canvas.scrollHeight - canvas.clientHeight - 1);
    return (stuckX ? 0 : Math.abs(dx)) + (stuckY ? 0 : Math.abs(dy));
  });
  assert.ok(off < 40, `the centred state is ${off}px off the middle, though the canvas could scroll further`);
  await shot(page, 'designer-zoomed-centred.png');
  await page.getByTestId('fit').click();

  // The outline is a tree with the branches nested; the keyboard alone moves, selects and deletes.
  assert.equal(await page.getByRole('tree').count(), 1);
  assert.equal(await page.getByTestId('outline-Store').getAttribute('aria-level'), '3');
  await page.getByTestId('outline-Parallel').focus();
  await page.keyboard.press('ArrowDown'); // Left, inside the Parallel
  await page.keyboard.press('ArrowDown'); // Store
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Store');
  assert.equal(await page.getByTestId('outline-Store').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowLeft'); // up to the Parallel
  assert.equal(await page.evaluate(() => document.activeElement.dataset.state), 'Parallel');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  before = await documentText(page);
  await page.keyboard.press('Delete');
  await changed(page, before);
  d = await doc(page);
  assert.deepEqual(d.States.Fan.Branches[0].States.Parallel.Branches[0].States, { Left: { Type: 'Pass', End: true } });
  assert.equal(await page.getByTestId('outline-Store').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.state), 'Fetch', 'the focus goes to the next state');
  before = await documentText(page);
  await page.keyboard.press('Control+d');
  await changed(page, before);
  await page.getByTestId('outline-Fetch copy').waitFor();
  assert.equal(await inspected(page), 'Fetch copy', 'the copy is selected');

  // Shift+Enter picks states in the outline too; M wraps them in a Map.
  await page.getByTestId('outline-Fetch').focus();
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Enter');
  assert.match(await page.getByTestId('selection-count').textContent(), /^2 selected/);
  assert.equal(await page.getByTestId('outline-Fetch').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByTestId('outline').getAttribute('aria-multiselectable'), 'true');
  await shot(page, 'designer-outline.png');
  before = await documentText(page);
  await page.keyboard.press('m');
  await changed(page, before);
  assert.equal(await inspected(page), 'Map');
  assert.equal(await page.getByTestId('outline-Fetch').getAttribute('aria-level'), '3');

  // The exported JSON is the document the gestures made.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const exported = await readFile(await download.path(), 'utf8');
  assert.equal(exported, await documentText(page));
  d = JSON.parse(exported);
  assert.deepEqual(Object.keys(d.States), ['Check', 'Fan', 'Done']);
  assert.deepEqual(Object.keys(d.States.Fan.Branches[1].States), ['Map']);
  assert.deepEqual(Object.keys(d.States.Fan.Branches[1].States.Map.ItemProcessor.States), ['Fetch', 'Fetch copy']);

  // Alt+Down and Alt+Up move the focused state along the flow, from the keyboard.
  await page.getByTestId('outline-Check').focus();
  before = await documentText(page);
  await page.keyboard.press('Alt+ArrowDown');
  await changed(page, before);
  d = await doc(page);
  assert.deepEqual([d.StartAt, d.States.Fan.Next, d.States.Check.Next], ['Fan', 'Check', 'Done']);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.state), 'Check', 'the moved state keeps the focus');
  before = await documentText(page);
  await page.keyboard.press('Alt+ArrowUp');
  await changed(page, before);
  d = await doc(page);
  assert.deepEqual([d.StartAt, d.States.Check.Next, d.States.Fan.Next], ['Check', 'Fan', 'Done']);

  // Undo and redo survive a reload: the history is kept with the draft.
  const beforeEdits = await documentText(page);
  await page.getByTestId('outline-Check').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Check');
  const comment = async (text) => {
    const b = await documentText(page);
    await page.getByTestId('field-Comment').fill(text);
    await page.getByTestId('field-Comment').blur();
    await changed(page, b);
    return documentText(page);
  };
  const first = await comment('first edit');
  const second = await comment('second edit');
  assert.equal((await doc(page)).States.Check.Comment, 'second edit');
  await page.reload();
  await page.getByTestId('designer-notice').waitFor();
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.equal(await documentText(page), second, 'the reload restores the draft');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await changed(page, second);
  assert.equal(await documentText(page), first, 'undo after the reload goes back one edit');
  assert.equal(await page.evaluate(() => document.getElementById('designer').designer.editor.state.doc.toString()), first);
  await page.getByTestId('undo').click();
  await changed(page, first);
  assert.equal(await documentText(page), beforeEdits, 'and on through the edits made before');
  await page.keyboard.press('Control+Shift+z');
  await changed(page, beforeEdits);
  assert.equal(await documentText(page), first);
  await page.getByTestId('redo').click();
  await changed(page, first);
  assert.equal(await documentText(page), second, 'redo comes forward again');
  // The history written at each step is what a second reload walks.
  await page.reload();
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await page.getByTestId('undo').click();
  await changed(page, second);
  assert.equal(await documentText(page), first);

  // A corrupt history is ignored: the draft still opens, one undo from the stored version.
  const historyKey = 'stepstudio-history:flow:1';
  const storedHistory = () => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), historyKey);
  await page.evaluate((k) => localStorage.setItem(k, '{"v":1,"at":'), historyKey);
  await page.reload();
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  assert.equal(await documentText(page), first);
  await page.getByTestId('undo').click();
  await changed(page, first);
  assert.equal(await documentText(page), flow, 'back to the stored version');
  assert.equal(await storedHistory(), null, 'no draft, no history');
  await page.getByTestId('redo').click();
  await changed(page, flow);
  assert.deepEqual(await storedHistory(), { v: 1, at: 1, docs: [flow, first] });

  // A full localStorage (here: refusing a history of more than two documents) keeps the newest.
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (k.startsWith('stepstudio-history:') && JSON.parse(v).docs.length > 2) throw new DOMException('full', 'QuotaExceededError');
      return setItem.call(this, k, v);
    };
  });
  await page.reload();
  await page.evaluate(() => document.getElementById('designer').designer.idle());
  await page.getByTestId('outline-Check').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-state"]')?.textContent === 'Check');
  const third = await comment('third edit');
  assert.deepEqual(await storedHistory(), { v: 1, at: 1, docs: [first, third] });
  assert.equal(await page.evaluate(() => document.getElementById('designer').designer.length), 3, 'the page keeps its whole history');

  assert.deepEqual(errors, []);
  await context.close();
});
