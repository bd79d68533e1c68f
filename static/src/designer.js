// The designer page. The server edits, validates, lays out and draws; this code captures
// gestures (drops, clicks, form changes, typing, keys), sends them as edit operations with the
// document it shows, and swaps in what comes back. It keeps the undo history (the documents
// the server returned), the draft of unsaved work in localStorage and the code editor.
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { EditorState, Annotation } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, lintGutter } from '@codemirror/lint';

const fromServer = Annotation.define();

// edgeWhere turns an SVG edge id ("edge-<escaped state>-<kind>-<index>", see designer/dot.go)
// into the place an InsertState drops on.
export function edgeWhere(id) {
  if (id === 'edge-start') return { start: {} };
  const m = /^edge-(.+)-(next|choice|default|catch|end|join|branch)-(\d+)$/.exec(id);
  if (!m) return null;
  const from = unescapeName(m[1]);
  const kind = m[2];
  if (kind === 'branch') return { start: Number(m[3]) ? { parent: from, branch: Number(m[3]) } : { parent: from } };
  if (kind === 'end' || kind === 'join') return { after: from };
  const edge = { from, kind };
  if (kind === 'choice' || kind === 'catch') edge.index = Number(m[3]);
  return { edge };
}

// unescapeName undoes designer.NodeID's escaping: "__" is "_", "_<hex>_" a code point.
export function unescapeName(s) {
  return s.replace(/_(_|[0-9a-f]+_)/g, (_, g) => (g === '_' ? '_' : String.fromCodePoint(parseInt(g, 16))));
}

export function startDesigner(root) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const machine = root.dataset.machine;
  const base = root.dataset.base;
  let version = Number(root.dataset.version);
  const canvas = $('canvas');
  const codeHost = $('code-view');
  const stored = codeHost.dataset.document;
  const draftKey = () => `stepstudio-draft:${machine}:${version}`;

  let saved = stored; // the text of the stored version
  const docs = [stored]; // undo history: every document the server returned
  let at = 0;
  let selected = '';
  let busy = Promise.resolve();

  const current = () => docs[at];
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
  function setEditor(text) {
    if (text === editorText()) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text }, annotations: fromServer.of(true) });
  }

  function show(el, text) { el.textContent = text || ''; el.hidden = !text; }
  const problem = (text) => show($('designer-error'), text);
  let noticeTimer;
  function notice(text) {
    show($('designer-notice'), text);
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => show($('designer-notice'), ''), 6000);
  }

  // apply sends edits (none: just draw) and shows the result. push: a new entry of the history.
  function apply(ops, { push = true, nameBase = '' } = {}) {
    busy = busy.then(async () => {
      const res = await fetch(`${base}/design/apply`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ document: current(), ops, select: selected, nameBase }),
      });
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
      if (!res.ok) { problem(body.error); if (ops.length) refresh(); return false; }
      problem('');
      if (push && body.document !== current()) {
        docs.splice(at + 1);
        docs.push(body.document);
        at = docs.length - 1;
      }
      showResult(body);
      return true;
    });
    return busy;
  }

  // refresh shows the current document again: after a refused edit, the form shows the truth.
  async function refresh() {
    const res = await fetch(`${base}/design/apply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: current(), ops: [], select: selected }),
    });
    if (res.ok) {
      const body = await res.json();
      $('inspector').innerHTML = body.inspector || '<p class="empty">Click a state to edit it.</p>';
    }
  }

  // sized draws the graph larger than graphviz's points, up to the panel's width (see .natural).
  function sized() {
    const svg = canvas.querySelector('svg');
    const vb = svg?.viewBox?.baseVal;
    if (vb && vb.width) svg.style.width = `${Math.round(vb.width * 1.4)}px`;
  }

  function showResult(body) {
    if (body.svg) { canvas.innerHTML = body.svg; sized(); }
    setEditor(body.document);
    selected = body.selected || '';
    $('inspector').innerHTML = body.inspector || '<p class="empty">Click a state to edit it.</p>';
    markSelected();
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
    canvas.querySelectorAll('.node.selected').forEach((n) => n.classList.remove('selected'));
    if (selected) document.getElementById(nodeIdOf(selected))?.classList.add('selected');
  }

  function select(name) {
    selected = name;
    return apply([], { push: false });
  }

  // The draft: what the user has not saved survives a reload.
  function remember() {
    const text = editorText();
    if (text !== saved) localStorage.setItem(draftKey(), text);
    else localStorage.removeItem(draftKey());
    $('dirty-flag').hidden = !dirty();
  }
  window.addEventListener('beforeunload', (e) => {
    if (dirty()) { e.preventDefault(); e.returnValue = ''; }
  });

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
          body: JSON.stringify({ document: current(), ops: [{ op: 'ReplaceDocument', text }], select: selected }),
        });
        const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
        if (text !== editorText()) return; // typed on meanwhile: the next round answers
        if (!res.ok) { codeError(body); return; }
        if (body.document !== current()) { docs.splice(at + 1); docs.push(body.document); at = docs.length - 1; }
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
    if (at === 0) return;
    at--;
    apply([], { push: false });
  }
  function redo() {
    if (at >= docs.length - 1) return;
    at++;
    apply([], { push: false });
  }

  async function save() {
    await busy;
    const res = await fetch(`${base}/design/save`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: editorText() }),
    });
    const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    if (!res.ok) { problem([body.error, ...(body.problems || [])].join(' ')); return; }
    localStorage.removeItem(draftKey());
    saved = editorText();
    version = body.version;
    $('designer-version').textContent = `version ${version}`;
    problem('');
    notice(`Saved as version ${version}.`);
    remember();
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

  const actions = {
    undo, redo, save,
    fit: () => canvas.classList.toggle('natural'),
    download: () => download(`${machine}.asl.json`, 'application/json', editorText()),
    copy: async () => { await navigator.clipboard.writeText(editorText()); notice('ASL JSON copied.'); },
    svg: () => download(`${machine}.svg`, 'image/svg+xml', canvas.querySelector('svg')?.outerHTML || ''),
    help: () => { $('shortcuts').hidden = !$('shortcuts').hidden; },
    delete: () => selected && apply([{ op: 'DeleteState', state: selected }]),
    duplicate: () => selected && apply([{ op: 'DuplicateState', state: selected }]),
    'apply-state-json': () => applyStateJSON(),
    'add-retry': (b) => addEntry('Retry', b, { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }),
    'add-catch': (b) => addEntry('Catch', b, { ErrorEquals: ['States.ALL'], Next: b.dataset.target }),
    'remove-entry': (b) => {
      const list = b.dataset.list;
      // The last entry takes the list with it: AWS refuses an empty Retry or Catch.
      const field = b.dataset.count === '1' ? [list] : [list, Number(b.dataset.index)];
      apply([{ op: 'SetField', state: selected, field, delete: true }]);
    },
  };
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
    if (node && !node.classList.contains('marker')) select(nameOfNode(node));
  });

  // Inspector: a changed field is a SetField; the name is a RenameState.
  root.addEventListener('change', (e) => {
    const el = e.target;
    if (!el.closest('.inspector')) return;
    const state = el.closest('.inspector').dataset.state;
    if (el.matches('[data-rename]')) {
      if (el.value && el.value !== state) apply([{ op: 'RenameState', from: state, to: el.value }]);
      return;
    }
    if (!el.dataset.field && !el.dataset.path) return;
    const field = el.dataset.path ? JSON.parse(el.dataset.path) : [el.dataset.field];
    const text = el.value.trim();
    let op;
    if (text === '') op = { op: 'SetField', state, field, delete: true };
    else if (el.dataset.kind === 'string') op = { op: 'SetField', state, field, value: el.value };
    else if (el.dataset.kind === 'list') op = { op: 'SetField', state, field, value: text.split(',').map((x) => x.trim()).filter(Boolean) };
    else {
      try { op = { op: 'SetField', state, field, value: JSON.parse(text) }; } catch (err) {
        problem(`${field.join('/')}: not valid JSON (${err.message}). Strings need quotes.`);
        return;
      }
    }
    apply([op]);
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
    canvas.classList.add('dropping');
  });
  root.addEventListener('dragend', () => { dragging = null; canvas.classList.remove('dropping'); highlight(null); });
  let target = null;
  function highlight(edge) {
    if (target === edge) return;
    target?.classList.remove('drop-target');
    target = edge;
    target?.classList.add('drop-target');
  }
  canvas.addEventListener('dragover', (e) => {
    if (!dragging) return;
    e.preventDefault();
    highlight(nearestEdge(canvas, e.clientX, e.clientY));
  });
  canvas.addEventListener('dragleave', (e) => { if (!canvas.contains(e.relatedTarget)) highlight(null); });
  canvas.addEventListener('drop', (e) => {
    e.preventDefault();
    const it = dragging;
    const edge = target;
    highlight(null);
    if (!it) return;
    if (!edge) { problem('Drop the state on an arrow of the graph: it goes between the two states it joins.'); return; }
    const where = edgeWhere(edge.id);
    apply([{ op: 'InsertState', state: '', definition: JSON.parse(it.dataset.definition), where }], { nameBase: it.dataset.name });
  });

  // Keyboard shortcuts, except while typing.
  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const typing = e.target.closest?.('input, textarea, .cm-editor');
    const key = e.key.toLowerCase();
    if (mod && key === 's') { e.preventDefault(); save(); return; }
    if (mod && key === 'f') { e.preventDefault(); search.focus(); search.select(); return; }
    if (e.key === 'Escape') { $('shortcuts').hidden = true; return; }
    if (typing) return;
    if (mod && key === 'z') { e.preventDefault(); (e.shiftKey ? redo : undo)(); } else if (mod && key === 'y') { e.preventDefault(); redo(); } else if (mod && key === 'd') { e.preventDefault(); actions.duplicate(); } else if (e.key === 'Delete' || e.key === 'Backspace') { actions.delete(); } else if (e.key === '?') { actions.help(); } else if (key === 'f' && !mod) { actions.fit(); }
  });

  // Start: a draft of this version wins over the stored text, with a way back.
  const draft = localStorage.getItem(draftKey());
  if (draft !== null && draft !== stored) {
    notice('Restored your unsaved changes to this version.');
    docs.push(draft);
    at = 1;
    setEditor(draft);
    apply([{ op: 'ReplaceDocument', text: draft }], { push: false }).then((ok) => { if (!ok) codeChanged(); });
  } else {
    apply([], { push: false });
  }
  root.designer = { current, editor, get at() { return at; }, get length() { return docs.length; } };
}

// nearestEdge finds the edge whose path passes closest to the pointer, within reach.
function nearestEdge(canvas, x, y) {
  let best = null;
  let bestD = 40; // pixels
  for (const g of canvas.querySelectorAll('g.edge')) {
    if (!edgeWhere(g.id)) continue;
    const path = g.querySelector('path');
    if (!path) continue;
    const m = path.getScreenCTM();
    const len = path.getTotalLength();
    for (let i = 0; i <= 20; i++) {
      const p = path.getPointAtLength((len * i) / 20);
      const sx = m.a * p.x + m.c * p.y + m.e;
      const sy = m.b * p.x + m.d * p.y + m.f;
      const d = Math.hypot(sx - x, sy - y);
      if (d < bestD) { bestD = d; best = g; }
    }
  }
  return best;
}

function nodeIdOf(name) {
  let id = 'state-';
  for (const ch of name) {
    if (/^[A-Za-z0-9-]$/.test(ch) || (ch.codePointAt(0) > 127 && /[\p{L}\p{N}]/u.test(ch))) id += ch;
    else if (ch === '_') id += '__';
    else id += `_${ch.codePointAt(0).toString(16)}_`;
  }
  return id;
}

function nameOfNode(g) {
  return unescapeName(g.id.replace(/^state-/, ''));
}
