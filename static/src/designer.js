// The designer page. The server edits, validates, lays out and draws; this code captures
// gestures (drops, clicks, form changes, typing, keys), sends them as edit operations with the
// document it shows, and swaps in what comes back. It keeps the undo history (the documents
// the server returned) and the draft of unsaved work, both in localStorage, and the code editor.
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { EditorState, Annotation } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { stateRange } from './designer-code.js';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { dropZones, ownZone } from './designer-drop.js';
import { outline } from './designer-outline.js';
import { canvasView, findName } from './designer-view.js';
import * as undoHistory from './designer-history.js';
import { nodeIdOf, nameOfId } from './designer-names.js';
import { stateNames } from './designer-tree.js';
import { fieldValue, fieldSelectors } from './designer-field.js';
import { panelLayout, inspectorTabs, views } from './designer-layout.js';
import { formatJSON } from './json-format.js';
import { choiceActions, choiceChange } from './designer-choice.js';
import { commentOf, noteEditor } from './designer-note.js';
import { startClipboard } from './designer-clipboard.js';
import { startBreakpoints } from './designer-breakpoints.js';

const fromServer = Annotation.define();

export function startDesigner(root) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const machine = root.dataset.machine;
  const base = root.dataset.base;
  let version = Number(root.dataset.version);
  const canvas = $('canvas');
  const codeHost = $('code-view');
  const stored = codeHost.dataset.document;
  const draftKey = () => `stepstudio-draft:${machine}:${version}`;
  const historyKey = () => `stepstudio-history:${machine}:${version}`;

  let saved = stored; // the text of the stored version
  let hist = undoHistory.createHistory(stored); // undo history: the documents the server returned
  let histWritten = -1; // the stamp of hist last written to localStorage
  let selected = '';
  let busy = Promise.resolve();
  let direction = localStorage.getItem('stepstudio-direction') === 'LR' ? 'LR' : 'TB';
  let hideNotes = localStorage.getItem('stepstudio-notes') === 'hidden';
  const multi = new Set(); // shift-clicked states, to wrap
  const zones = dropZones(canvas);
  const view = canvasView(canvas, $('zoom-level'));
  const tree = outline($('outline'), {
    select: (name) => select(name),
    act: (action, state, where) => {
      if (action === 'toggle') toggleMulti(state);
      else if (action === 'move') apply([{ op: 'MoveState', state, where }]);
      else if (action.startsWith('wrap-')) actions[action]();
      else apply([{ op: action === 'delete' ? 'DeleteState' : 'DuplicateState', state }]);
    },
  });

  const current = () => undoHistory.current(hist);
  const dirty = () => editorText() !== saved;

  const editor = new EditorView({
    parent: codeHost,
    state: EditorState.create({
      doc: stored,
      extensions: [lineNumbers(), history(), keymap.of([...defaultKeymap, ...historyKeymap]), json(), lintGutter(),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !u.transactions.some((t) => t.annotation(fromServer))) codeChanged();
        })],
    }),
  });
  const editorText = () => editor.state.doc.toString();
  const panels = panelLayout(root, $('designer-grid'), () => { view.size(); editor.requestMeasure(); });
  const tabs = inspectorTabs($('inspector'));
  function setEditor(text) {
    if (text === editorText()) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text }, annotations: fromServer.of(true) });
  }

  function show(el, text) { el.textContent = text || ''; el.hidden = !text; }
  const problem = (text) => show($('designer-error'), text);
  // notice confirms something done, for a few seconds; a lasting one stays until its × is
  // clicked.
  let noticeTimer;
  function notice(text, { lasting = false } = {}) {
    const el = $('designer-notice');
    el.firstElementChild.textContent = text;
    el.hidden = !text;
    el.dataset.lasting = String(lasting);
    clearTimeout(noticeTimer);
    if (!lasting) noticeTimer = setTimeout(() => { el.hidden = true; }, 6000);
  }
  // The restored draft's notice, once dismissed, stays closed while the draft lasts.
  const restoredKey = () => `stepstudio-restored-seen:${machine}:${version}`;
  function dismissNotice() {
    const el = $('designer-notice');
    if (el.dataset.lasting === 'true') store(restoredKey(), '1');
    el.hidden = true;
  }

  // Breakpoints: beside the document, never in it (designer-breakpoints.js).
  const bps = startBreakpoints(root, { base, current, select: (name) => select(name), problem });

  // apply sends edits (none: just draw) and shows the result. push: a new entry of the history.
  function apply(ops, { push = true, nameBase = '' } = {}) {
    busy = busy.then(async () => {
      const sent = editorText();
      const res = await fetch(`${base}/design/apply`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ document: current(), ops, select: selected, nameBase, direction, hideNotes }),
      });
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
      // Typed in the code view meanwhile (the first draw of a page is answered while the user
      // may already type): the typing wins, and its own round trip answers it.
      if (editorText() !== sent) { codeChanged(); return false; }
      if (!res.ok) { problem(body.error); if (ops.length) refresh(body); return false; }
      if (push) undoHistory.push(hist, body.document);
      showResult(body);
      return body; // what the server says about the edit, such as what it pasted
    });
    return busy;
  }

  // refresh shows the current document again: after a refused edit, the form shows the truth,
  // with the field the edit was refused for marked.
  async function refresh(refused) {
    const res = await fetch(`${base}/design/apply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: current(), ops: [], select: selected, direction, hideNotes }),
    });
    if (res.ok) {
      const body = await res.json();
      $('inspector').innerHTML = body.inspector || '<p class="empty">Click a state to edit it.</p>';
      tabs.render();
      bps.render();
      if (refused.state === selected) markField(refused.field);
    }
  }

  // markField marks the inspector's input of a field (a JSON pointer inside the state), or
  // of the field that holds it, as the one an edit was refused for.
  function markField(pointer) {
    const form = root.querySelector('.inspector');
    for (const sel of fieldSelectors(pointer)) {
      const el = form?.querySelector(sel);
      if (!el) continue;
      const panel = el.closest('[data-tab-panel]');
      if (panel) tabs.open(panel.dataset.tabPanel);
      el.setAttribute('aria-invalid', 'true');
      el.scrollIntoView({ block: 'nearest' });
      return;
    }
  }

  // showResult shows what the server answered to an edit it took: a problem shown before is
  // over.
  function showResult(body) {
    problem('');
    if (body.svg) { canvas.innerHTML = body.svg; view.size(); zones.set(body.dropZones); }
    setEditor(body.document);
    selected = body.selected || '';
    for (const name of multi) if (!document.getElementById(nodeIdOf(name))) multi.delete(name);
    tree.render(body.document, selected, multi);
    states = statesOf(body.document);
    const hash = selected ? `#state=${encodeURIComponent(selected)}` : '';
    if (location.hash !== hash) window.history.replaceState(null, '', hash || location.pathname + location.search);
    $('inspector').innerHTML = body.inspector || '<p class="empty">Click a state to edit it.</p>';
    tabs.render();
    markSelected();
    // The SVG and the inspector are new: the breakpoints are drawn on them again.
    bps.documentChanged(stateNames(body.document));
    bps.render();
    showDiagnostics(body.diagnostics || []);
    $('code-error').hidden = true;
    editor.dispatch(setDiagnostics(editor.state, []));
    remember();
  }

  function showDiagnostics(list) {
    const ul = $('diagnostics');
    ul.innerHTML = '';
    canvas.querySelectorAll('.node.has-problem').forEach((n) => n.classList.remove('has-problem'));
    if (list.length === 0) ul.innerHTML = '<li class="empty">None.</li>';
    for (const d of list) {
      const li = document.createElement('li');
      li.className = `diag diag-${d.severity}`;
      li.textContent = `${d.severity} ${d.location || '/'}: ${d.message}`;
      if (d.state) li.addEventListener('click', () => select(d.state));
      ul.append(li);
      if (d.nodeId) document.getElementById(d.nodeId)?.classList.add('has-problem');
    }
  }

  function markSelected() {
    canvas.querySelectorAll('.node.selected, .node.multi').forEach((n) => n.classList.remove('selected', 'multi'));
    if (selected) document.getElementById(nodeIdOf(selected))?.classList.add('selected');
    for (const name of multi) document.getElementById(nodeIdOf(name))?.classList.add('multi');
    const n = wrapSelection().length;
    root.querySelectorAll('[data-action^="wrap-"], [data-needs-selection]').forEach((b) => { b.disabled = n === 0; });
    tree.mark(selected, multi);
    $('selection-count').textContent = multi.size ? `${multi.size} selected (Shift+click adds or removes)` : '';
  }

  // toggleMulti adds a state to the states to wrap, or takes it out; on the graph, the first
  // Shift+click starts from the selected state (the outline picks each one with Shift+Enter).
  function toggleMulti(name, withSelected = false) {
    if (withSelected && multi.size === 0 && selected && selected !== name) multi.add(selected);
    if (multi.has(name)) multi.delete(name); else multi.add(name);
    markSelected();
  }

  // wrapSelection is what Wrap acts on: the shift-clicked states, else the selected one.
  function wrapSelection() { return multi.size ? [...multi] : (selected ? [selected] : []); }
  function wrap(into) {
    const states = wrapSelection();
    if (!states.length) { problem('Select the states to wrap: click one, Shift+click the others of the chain.'); return; }
    multi.clear();
    apply([{ op: 'WrapStates', states, in: into, name: '' }]);
  }

  // The names of the states, for the find box; invalid JSON keeps the last list.
  let states = [];
  const statesOf = (text) => stateNames(text) || states;
  async function find(q) {
    if (!q.trim()) return;
    const name = findName(states, q);
    if (!name) { problem(`No state matches "${q.trim()}".`); return; }
    await select(name);
    view.centre(nodeIdOf(name));
  }

  // select shows a state in the inspector, and its JSON in the code view.
  async function select(name) {
    selected = name;
    await apply([], { push: false });
    const range = selected && stateRange(editor.state, selected);
    if (range) {
      editor.dispatch({ selection: { anchor: range.from, head: range.to } });
      // Scroll the code view only: moving the page would pull the graph from under the pointer.
      editor.scrollDOM.scrollTop = editor.lineBlockAt(range.from).top;
    }
  }

  // The draft: what the user has not saved survives a reload, and so does its undo history.
  // Both go when the text is the stored version's again. localStorage may refuse (full, or
  // blocked by the browser): the page goes on, only the reload loses more.
  function remember() {
    const text = editorText();
    if (text !== saved) {
      // The draft matters more than its history: make room for it first.
      if (!store(draftKey(), text)) { forget(historyKey()); histWritten = -1; store(draftKey(), text); }
      rememberHistory();
    } else {
      forget(draftKey());
      forget(historyKey());
      forget(restoredKey());
      histWritten = -1;
    }
    $('dirty-flag').hidden = !dirty();
  }
  // rememberHistory writes the history when it changed; when it does not fit, without its
  // oldest entries (doubling how many, so a full storage costs a few tries, not a hundred).
  function rememberHistory() {
    if (hist.stamp === histWritten) return;
    for (let skip = 0; ; skip = skip ? skip * 2 : 1) {
      const text = undoHistory.serialise(hist, Math.min(skip, hist.at));
      if (text !== null && store(historyKey(), text)) break;
      if (skip >= hist.at) { forget(historyKey()); break; }
    }
    histWritten = hist.stamp;
  }
  let leaving = false; // set when the page goes on purpose, with the draft kept
  window.addEventListener('beforeunload', (e) => {
    if (dirty() && !leaving) { e.preventDefault(); e.returnValue = ''; }
  });
  // leave opens another page without asking: the unsaved work stays as this version's draft.
  function leave(url) {
    remember();
    leaving = true;
    window.location.assign(url);
  }

  // Code view: valid JSON redraws the graph; invalid JSON marks where and keeps the last graph.
  let codeTimer;
  function codeChanged() {
    remember();
    clearTimeout(codeTimer);
    codeTimer = setTimeout(async () => {
      const text = editorText();
      busy = busy.then(async () => {
        const res = await fetch(`${base}/design/apply`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ document: current(), ops: [{ op: 'ReplaceDocument', text }], select: selected, direction, hideNotes }),
        });
        const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
        if (text !== editorText()) return; // typed on meanwhile: the next round answers
        if (!res.ok) { codeError(body); return; }
        undoHistory.push(hist, body.document);
        showResult(body);
      });
    }, 300);
  }

  function codeError(body) {
    problem('');
    show($('code-error'), `${body.error} The graph shows the last valid document.`);
    if (!body.line) return;
    const doc = editor.state.doc;
    const line = doc.line(Math.min(body.line, doc.lines));
    const from = Math.min(line.from + body.column - 1, line.to);
    const to = Math.min(from + 1, doc.length);
    editor.dispatch(setDiagnostics(editor.state, [{ from, to: Math.max(to, from), severity: 'error', message: body.error }]));
  }

  function undo() {
    if (undoHistory.undo(hist)) apply([], { push: false });
  }
  function redo() {
    if (undoHistory.redo(hist)) apply([], { push: false });
  }

  async function save() {
    await busy;
    const res = await fetch(`${base}/design/save`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: editorText() }),
    });
    const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    if (!res.ok) { problem([body.error, ...(body.problems || [])].join(' ')); return false; }
    // The old version's draft and history go; the page's history goes on into the new version.
    forget(draftKey());
    forget(historyKey());
    forget(restoredKey());
    histWritten = -1;
    saved = editorText();
    version = body.version;
    $('designer-version').textContent = `version ${version}`;
    problem('');
    notice(`Saved as version ${version}.`);
    remember();
    return true;
  }

  function download(name, type, text) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // Copy, cut and paste of states, as ASL JSON on the system clipboard. Pasted states are
  // selected together.
  const clipboard = startClipboard({
    selection: wrapSelection, documentText: current, after: () => selected, apply, notice, problem,
    selectStates: (names) => { multi.clear(); if (names.length > 1) names.forEach((n) => multi.add(n)); markSelected(); },
  });

  const actions = {
    undo, redo, save, ...clipboard,
    'dismiss-notice': dismissNotice,
    fit: () => view.fit(),
    'zoom-in': () => view.zoomIn(),
    'zoom-out': () => view.zoomOut(),
    centre: () => (selected ? view.centre(nodeIdOf(selected)) : problem('Select a state to centre it.')),
    direction: () => {
      direction = direction === 'TB' ? 'LR' : 'TB';
      localStorage.setItem('stepstudio-direction', direction);
      showDirection();
      apply([], { push: false });
    },
    notes: () => {
      hideNotes = !hideNotes;
      store('stepstudio-notes', hideNotes ? 'hidden' : 'shown');
      showNotes();
      apply([], { push: false });
    },
    note: () => (selected ? editNote(selected) : problem('Select a state to write a note on it.')),
    breakpoint: () => (selected ? bps.toggle(selected) : problem('Select a state to set a breakpoint on it.')),
    'wrap-parallel': () => wrap('Parallel'),
    'wrap-map': () => wrap('Map'),
    download: () => download(`${machine}.asl.json`, 'application/json', editorText()),
    copy: async () => { await navigator.clipboard.writeText(editorText()); notice('ASL JSON copied.'); },
    svg: () => download(`${machine}.svg`, 'image/svg+xml', canvas.querySelector('svg')?.outerHTML || ''),
    help: () => { $('shortcuts').hidden = !$('shortcuts').hidden; },
    'toggle-panel': (b) => panels.toggle(b.dataset.panel),
    view: (b) => panels.setView(b.dataset.view),
    'next-view': () => panels.setView(views[(views.indexOf(panels.view) + 1) % views.length]),
    // Format is an edit like typing: the server answers it, Undo takes it back. The document
    // is never formatted on its own: what came in minified goes out minified.
    format: () => {
      let text;
      try { text = formatJSON(editorText()); } catch (err) { problem(`Format: the ASL JSON is not valid JSON: ${err.message}`); return; }
      if (text !== editorText()) apply([{ op: 'ReplaceDocument', text }]);
    },
    delete: () => selected && apply([{ op: 'DeleteState', state: selected }]),
    duplicate: () => selected && apply([{ op: 'DuplicateState', state: selected }]),
    'convert-language': (b) => selected && apply([{ op: 'ConvertQueryLanguage', state: selected, to: b.dataset.to }]),
    'apply-state-json': () => applyStateJSON(),
    'add-retry': (b) => addEntry('Retry', b, { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }),
    'add-catch': (b) => addEntry('Catch', b, { ErrorEquals: ['States.ALL'], Next: b.dataset.target }),
    'remove-entry': (b) => {
      const list = b.dataset.list;
      // The last entry takes the list with it: AWS refuses an empty Retry or Catch.
      const field = b.dataset.count === '1' ? [list] : [list, Number(b.dataset.index)];
      apply([{ op: 'SetField', state: selected, field, delete: true }]);
    },
    // A Choice's rules, and New state… in the menus of transitions.
    ...choiceActions({ apply, state: () => selected }),
  };
  // Notes: the Comment of a state, edited on the graph (beside the node while notes are hidden).
  const notes = noteEditor(canvas, (edit) => apply([edit]));
  function editNote(name) {
    notes.open(name, nodeIdOf(name), commentOf(current(), name));
  }
  canvas.addEventListener('dblclick', (e) => {
    const note = e.target.closest('.note');
    if (note) editNote(nameOfId(note.dataset.node));
  });

  function addEntry(list, b, entry) {
    const n = Number(b.dataset.count);
    apply([n === 0
      ? { op: 'SetField', state: selected, field: [list], value: [entry] }
      : { op: 'SetField', state: selected, field: [list, n], value: entry }]);
  }
  root.addEventListener('click', (e) => {
    const b = e.target.closest('[data-action]');
    if (b) { actions[b.dataset.action]?.(b); return; }
    if (!e.target.closest('.overlay .panel') && !$('shortcuts').hidden) $('shortcuts').hidden = true;
    const node = e.target.closest('.canvas .node');
    if (!node || node.classList.contains('marker') || node.classList.contains('join')) return;
    if (dragged) return; // the click that ends a drag
    const name = nameOfNode(node);
    if (e.shiftKey) { toggleMulti(name, true); return; }
    multi.clear();
    select(name);
  });

  // Inspector: a changed field is a SetField; the name is a RenameState.
  root.addEventListener('change', (e) => {
    const el = e.target;
    if (!el.closest('.inspector')) return;
    const state = el.closest('.inspector').dataset.state;
    if (el.matches('[data-rename]')) {
      // An empty name is sent too: the server refuses it, and says why.
      if (el.value === state) return;
      bps.renaming(state, el.value); // its breakpoint follows the state
      apply([{ op: 'RenameState', from: state, to: el.value }]).then((ok) => { if (!ok) bps.renaming(null); });
      return;
    }
    if (choiceChange(el, { apply, state: () => state })) return;
    if (!el.dataset.field && !el.dataset.path) return;
    const field = el.dataset.path ? JSON.parse(el.dataset.path) : [el.dataset.field];
    const { error, ...edit } = fieldValue(el.dataset.kind, el.value);
    if (error) { problem(`${field.join('/')}: ${error}`); return; }
    apply([{ op: 'SetField', state, field, ...edit }]);
  });

  // The state's own JSON: every changed top-level field is one SetField, in one step.
  function applyStateJSON() {
    const form = root.querySelector('.inspector');
    if (!form) return;
    const state = form.dataset.state;
    let next;
    let old;
    try {
      next = JSON.parse(form.querySelector('[data-state-json]').value);
      old = JSON.parse(form.querySelector('[data-state-json]').defaultValue);
    } catch (err) { problem(`State JSON: ${err.message}`); return; }
    const ops = [];
    for (const [k, v] of Object.entries(next)) {
      if (JSON.stringify(old[k]) !== JSON.stringify(v)) ops.push({ op: 'SetField', state, field: [k], value: v });
    }
    for (const k of Object.keys(old)) if (!(k in next)) ops.push({ op: 'SetField', state, field: [k], delete: true });
    // Next before End is deleted: a state without either is refused.
    ops.sort((a, b) => (a.field[0] === 'End' && a.delete ? 1 : 0) - (b.field[0] === 'End' && b.delete ? 1 : 0));
    if (ops.length) apply(ops);
  }

  // Palette: search, and drag onto an edge of the graph.
  const search = $('palette-search');
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    root.querySelectorAll('.palette-item').forEach((it) => { it.hidden = q !== '' && !it.dataset.search.toLowerCase().includes(q); });
  });
  let dragging = null;
  root.addEventListener('dragstart', (e) => {
    const it = e.target.closest?.('.palette-item');
    if (!it) return;
    dragging = it;
    e.dataTransfer.setData('text/plain', it.dataset.name);
    e.dataTransfer.effectAllowed = 'copy';
    zones.begin();
  });
  root.addEventListener('dragend', () => { dragging = null; zones.end(); });
  canvas.addEventListener('dragover', (e) => {
    if (!dragging) return;
    e.preventDefault();
    zones.over(e.clientX, e.clientY);
  });
  canvas.addEventListener('dragleave', (e) => { if (!canvas.contains(e.relatedTarget)) zones.leave(); });
  canvas.addEventListener('drop', (e) => {
    e.preventDefault();
    const it = dragging;
    const zone = zones.end();
    if (!it) return;
    if (!zone) { problem('Drop the state on an arrow of the graph (it goes between the two states it joins) or on a + marker.'); return; }
    apply([{ op: 'InsertState', state: '', definition: JSON.parse(it.dataset.definition), where: zone.where }], { nameBase: it.dataset.name });
  });

  // Moving a state: press on its node and drag it onto an arrow or a + marker.
  let press = null;
  let dragged = false;
  canvas.addEventListener('pointerdown', (e) => {
    dragged = false;
    const node = e.target.closest('.node');
    if (e.button !== 0 || !node?.id.startsWith('state-')) return;
    press = { name: nameOfNode(node), node, x: e.clientX, y: e.clientY, moving: false };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!press) return;
    if (!press.moving) {
      if (Math.hypot(e.clientX - press.x, e.clientY - press.y) < 6) return;
      press.moving = true;
      canvas.setPointerCapture(e.pointerId);
      press.node.classList.add('moving');
      zones.begin(ownZone(press.name));
    }
    zones.over(e.clientX, e.clientY);
  });
  function endPress(drop) {
    const p = press;
    press = null;
    if (!p?.moving) return;
    dragged = true;
    p.node.classList.remove('moving');
    const zone = zones.end();
    if (!drop) return;
    if (!zone) { problem(`Drop ${p.name} on an arrow of the graph or on a + marker to move it there.`); return; }
    apply([{ op: 'MoveState', state: p.name, where: zone.where }]);
  }
  canvas.addEventListener('pointerup', () => endPress(true));
  canvas.addEventListener('pointercancel', () => endPress(false));

  // Find: a state by name, selected and centred; the URL's #state=Name selects one too.
  const findBox = $('find');
  findBox.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); find(findBox.value); } });
  findBox.addEventListener('focus', () => {
    $('find-list').replaceChildren(...states.map((n) => Object.assign(document.createElement('option'), { value: n })));
  });
  window.addEventListener('hashchange', () => {
    const name = stateInHash();
    if (name && name !== selected) select(name).then(() => view.centre(nodeIdOf(name)));
  });

  function showDirection() {
    const b = root.querySelector('[data-action="direction"]');
    b.textContent = direction === 'TB' ? 'Top-down' : 'Left-right';
    b.setAttribute('aria-pressed', String(direction === 'LR'));
  }
  showDirection();

  function showNotes() {
    root.querySelector('[data-action="notes"]').setAttribute('aria-pressed', String(!hideNotes));
  }
  showNotes();

  // Keyboard shortcuts, except while typing.
  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const typing = e.target.closest?.('input, textarea, .cm-editor');
    const key = e.key.toLowerCase();
    if (mod && key === 's') { e.preventDefault(); save(); return; }
    if (mod && key === 'f') { e.preventDefault(); search.focus(); search.select(); return; }
    if (e.key === 'Escape') { $('shortcuts').hidden = true; if (!typing && multi.size) { multi.clear(); markSelected(); } return; }
    // The run dialog's keys are its own: Delete on its buttons must not delete a state.
    if (typing || e.target.closest?.('[role="tree"], dialog')) return;
    // In a menu (such as New state's type), letters pick options and Delete deletes no state.
    if (!mod && e.target.closest?.('select')) return;
    if (!mod && !e.altKey) {
      const keys = { g: 'wrap-parallel', m: 'wrap-map', c: 'centre', '+': 'zoom-in', '=': 'zoom-in', '-': 'zoom-out', l: 'direction', v: 'next-view', n: 'note', b: 'breakpoint' };
      // preventDefault: the key must not be typed into what it opens (N's note editor).
      if (keys[e.key]) { e.preventDefault(); actions[keys[e.key]](); return; }
      const panel = { '[': 'palette', ']': 'inspector' }[e.key];
      if (panel) { panels.toggle(panel); return; }
    }
    if (mod && key === 'z') { e.preventDefault(); (e.shiftKey ? redo : undo)(); } else if (mod && key === 'y') { e.preventDefault(); redo(); } else if (mod && key === 'd') { e.preventDefault(); actions.duplicate(); } else if (e.key === 'Delete' || e.key === 'Backspace') { actions.delete(); } else if (e.key === '?') { actions.help(); } else if (key === 'f' && !mod) { actions.fit(); }
  });

  // Start: a draft of this version wins over the stored text, with a way back: the history
  // written with it, else the stored text as the one step back.
  selected = stateInHash();
  const draft = recall(draftKey());
  if (draft !== null && draft !== stored) {
    if (recall(restoredKey()) === null) notice('Restored your unsaved changes to this version.', { lasting: true });
    hist = undoHistory.restore(recall(historyKey())) || hist;
    // Typing not yet answered by the server when the page went: the draft is one more step.
    undoHistory.push(hist, draft);
    histWritten = -1;
    setEditor(draft);
    apply([{ op: 'ReplaceDocument', text: draft }], { push: false }).then((ok) => { if (!ok) codeChanged(); });
  } else {
    apply([], { push: false }).then(() => selected && view.centre(nodeIdOf(selected)));
  }
  root.designer = {
    current, editor, idle: () => busy, get at() { return hist.at; }, get length() { return hist.docs.length; },
    // For the run dialog: whether there is unsaved work, saving it, leaving with it kept.
    dirty, save, leave, get version() { return version; },
    breakpoints: bps,
  };
}

// store and forget write and remove localStorage entries, and recall reads one, where the
// browser may refuse (QuotaExceededError when full, SecurityError when storage is blocked):
// a failed write is false, a failed read null, never an error that stops the page.
function store(key, text) {
  try { localStorage.setItem(key, text); return true; } catch { return false; }
}
function forget(key) {
  try { localStorage.removeItem(key); } catch { /* nothing stored to forget */ }
}
function recall(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function stateInHash() {
  const m = /^#state=(.+)$/.exec(location.hash);
  try { return m ? decodeURIComponent(m[1]) : ''; } catch { return ''; }
}

function nameOfNode(g) {
  return nameOfId(g.id);
}
