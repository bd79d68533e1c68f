// Copy, cut and paste of states, between machines and browser tabs, through the system
// clipboard as ASL JSON text: {"StartAt": ..., "States": {...}}, the shape the AWS console and
// other tools copy too. Copy is built here, in the browser, because a copy event must be given
// its text before it returns; the states' JSON is taken from the document's own text, so numbers
// and strings stay exactly as written. Paste is the server's PasteStates op, which renames what
// clashes and links the states in.
import { EditorState } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { stateRange } from './designer-code.js';
import { formatJSON } from './json-format.js';

// fragmentOf is the clipboard text for the named states of the definition text: each state with
// everything inside it (a Parallel's branches, a Map's item processor), in document order, the
// first one as StartAt, and the machine's QueryLanguage when it sets one. With following, each
// named state brings every state its transitions reach in its own scope (Next, Default, Choice
// rules, catchers): the subgraph from it. A state inside another copied state comes with it,
// not twice. It returns {text, states} (states: the names at the fragment's top level), or null
// when no name is a state of the text.
export function fragmentOf(text, names, following = false) {
  let machine;
  try { machine = JSON.parse(text); } catch { return null; }
  const index = indexStates(machine);
  const picked = new Set(names.filter((n) => index.has(n)));
  if (following) {
    for (const name of picked) { // a Set's loop also visits what is added during it
      const { scope, def } = index.get(name);
      for (const t of targetsOf(def)) if (Object.hasOwn(scope, t)) picked.add(t);
    }
  }
  const states = [...index.keys()].filter((n) => picked.has(n) && !index.get(n).owners.some((o) => picked.has(o)));
  if (!states.length) return null;
  const doc = EditorState.create({ doc: text, extensions: [json()] });
  const members = states.map((n) => {
    const r = stateRange(doc, n);
    return r ? text.slice(r.from, r.to) : `${JSON.stringify(n)}: ${JSON.stringify(index.get(n).def)}`;
  });
  // The machine's QueryLanguage goes along: JSONata states must stay JSONata where pasted.
  const lang = typeof machine.QueryLanguage === 'string' ? `"QueryLanguage": ${JSON.stringify(machine.QueryLanguage)}, ` : '';
  return { text: formatJSON(`{${lang}"StartAt": ${JSON.stringify(states[0])}, "States": {${members.join(', ')}}}`), states };
}

// indexStates maps every state name, nested ones too, in document order, to its object, the
// States object of its scope, and the states it lies inside.
function indexStates(machine, owners = [], out = new Map()) {
  const scope = machine?.States;
  if (!scope || typeof scope !== 'object') return out;
  for (const [name, def] of Object.entries(scope)) {
    if (!out.has(name)) out.set(name, { def, scope, owners });
    const inner = def?.Type === 'Parallel' ? def.Branches : [def?.ItemProcessor || def?.Iterator];
    for (const sub of Array.isArray(inner) ? inner : []) indexStates(sub, [...owners, name], out);
  }
  return out;
}

// targetsOf lists where a state's transitions lead.
function targetsOf(def) {
  const out = [def?.Next, def?.Default];
  for (const list of [def?.Choices, def?.Catch]) if (Array.isArray(list)) out.push(...list.map((r) => r?.Next));
  return out.filter((t) => typeof t === 'string');
}

// pasteNotice says what a paste did: "Pasted 3 states (renamed Fetch → Fetch copy)".
export function pasteNotice({ states, renamed }) {
  const what = states.length === 1 ? `Pasted ${states[0]}` : `Pasted ${states.length} states`;
  if (!renamed.length) return `${what}.`;
  return `${what} (renamed ${renamed.map((r) => `${r.from} → ${r.to}`).join(', ')}).`;
}

// startClipboard wires copy, cut and paste to the page: the browser's copy, cut and paste
// events (Ctrl/Cmd+C, X, V) while no text field, menu or the code editor has the focus and no
// text of the page is selected, Ctrl/Cmd+Shift+C for "with what follows", and the returned
// actions for buttons, which go through navigator.clipboard. The page gives what is selected,
// the document, its apply (which resolves to the server's answer, or false when refused), the
// state pasted states follow, and how to select states and speak.
export function startClipboard({ selection, documentText, after, apply, selectStates, notice, problem }) {
  const copy = (following) => {
    const names = selection();
    if (!names.length) { problem('Select the states to copy: click one, Shift+click the others.'); return null; }
    return fragmentOf(documentText(), following ? names.slice(0, 1) : names, following);
  };
  const copied = (f, verb = 'Copied') => notice(`${verb} ${f.states.length === 1 ? f.states[0] : `${f.states.length} states`} as ASL JSON.`);
  // Cut is one edit: every state deleted in one request, so one Undo brings them back.
  const cut = (f) => apply(f.states.map((state) => ({ op: 'DeleteState', state })))
    .then((ok) => ok && copied(f, 'Cut'));
  async function paste(text) {
    if (!text.trim()) { problem('The clipboard holds no text to paste: copy states first.'); return; }
    const body = await apply([{ op: 'PasteStates', fragment: text, after: after() }]);
    if (!body?.pasted) return;
    selectStates(body.pasted.states);
    notice(pasteNotice(body.pasted));
  }
  const busy = (t) => t?.closest?.('input, textarea, select, [contenteditable], .cm-editor, dialog');
  const ours = (e) => !busy(e.target) && !String(window.getSelection() || '');

  document.addEventListener('copy', (e) => {
    const f = ours(e) && selection().length && copy(false);
    if (!f) return;
    e.preventDefault();
    e.clipboardData.setData('text/plain', f.text);
    copied(f);
  });
  document.addEventListener('cut', (e) => {
    const f = ours(e) && selection().length && copy(false);
    if (!f) return;
    e.preventDefault();
    e.clipboardData.setData('text/plain', f.text);
    cut(f);
  });
  document.addEventListener('paste', (e) => {
    if (busy(e.target)) return;
    e.preventDefault();
    paste(e.clipboardData.getData('text/plain'));
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'c' && !busy(e.target)) {
      e.preventDefault();
      actions['copy-following']();
    }
  });

  const write = async (f, then) => {
    if (!f) return;
    try { await navigator.clipboard.writeText(f.text); } catch (err) { problem(`The browser refused the clipboard: ${err.message}`); return; }
    then(f);
  };
  const actions = {
    'copy-states': () => write(copy(false), copied),
    'copy-following': () => write(copy(true), copied),
    'cut-states': () => write(copy(false), cut),
    'paste-states': async () => {
      let text;
      try { text = await navigator.clipboard.readText(); } catch (err) { problem(`The browser refused to read the clipboard (${err.message}): press Ctrl+V on the graph instead.`); return; }
      await paste(text);
    },
  };
  return actions;
}
