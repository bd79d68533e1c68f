// Breakpoints in the designer: a red dot on each state that has one (a ring while disabled),
// the inspector's Debug tab (pause here, condition, hit count), the Breakpoints list below the
// graph with Break on error. They are the studio's, kept beside the machine (GET and PUT
// /machines/NAME/breakpoints), never in the ASL document: not in the undo history, not
// exported. Every change is saved at once; the server checks it and a refusal is shown beside
// the field it names.
import { nodeIdOf } from './designer-names.js';
import { stateNames } from './designer-tree.js';

const SVG = 'http://www.w3.org/2000/svg';

// The list operations, kept pure for the unit tests: each returns a new list.

// toggled adds an enabled breakpoint on name, or removes the one it has.
export function toggled(list, name) {
  return list.some((b) => b.state === name) ? list.filter((b) => b.state !== name) : [...list, { state: name, enabled: true }];
}

// changed sets fields of name's breakpoint, making one (enabled) when it has none.
export function changed(list, name, fields) {
  if (!list.some((b) => b.state === name)) return [...list, { state: name, enabled: true, ...fields }];
  return list.map((b) => (b.state === name ? { ...b, ...fields } : b));
}

// renamed moves from's breakpoint to the state's new name.
export function renamed(list, from, to) {
  return list.map((b) => (b.state === from ? { ...b, state: to } : b));
}

// kept is the list without the breakpoints of states not in names (deleted ones).
export function kept(list, names) {
  const has = new Set(names);
  return list.filter((b) => has.has(b.state));
}

// startBreakpoints wires the breakpoints into the designer. designer gives the document
// (current), selecting a state (select) and the page's error line (problem).
export function startBreakpoints(root, { base, current, select, problem }) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const canvas = $('canvas');
  let settings = { breakpoints: [], breakOnError: false };
  let saving = Promise.resolve();
  let loaded = false;
  let pending = null; // a rename sent, not yet answered

  const find = (name) => settings.breakpoints.find((b) => b.state === name);

  async function load() {
    // ?all=1: every breakpoint, those on states only this (unsaved) document has too.
    const res = await fetch(`${base}/breakpoints?all=1`);
    if (!res.ok) { problem(`The breakpoints could not be loaded (the server answered ${res.status}).`); return; }
    settings = await res.json();
    // Those on states this document lacks are not shown; the next save drops them.
    const names = stateNames(current());
    if (names) settings.breakpoints = kept(settings.breakpoints, names);
    loaded = true;
    render();
  }

  // save sends the settings changed by edit (a function of the saved settings, called when
  // the saves before it are done, so quick changes build on each other); on a refusal the
  // last saved stay, and the message goes beside the field it is about (or to the error line).
  function save(edit) {
    saving = saving.then(async () => {
      const want = { ...settings, ...edit(settings) };
      if (JSON.stringify(want) === JSON.stringify(settings)) return true;
      const res = await fetch(`${base}/breakpoints`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...want, document: current() }),
      });
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
      if (!res.ok) { refused(body); return false; }
      settings = body;
      render();
      return true;
    });
    return saving;
  }
  const saveList = (edit) => save((s) => ({ breakpoints: edit(s.breakpoints) }));

  function refused(body) {
    const form = inspectorFor(body.state);
    const field = form && { condition: 'bp-condition', hitCount: 'bp-hit-count' }[body.field];
    if (!field) { problem(`Breakpoints not saved: ${body.error}`); return; }
    const input = form.querySelector(`[data-testid="${field}"]`);
    input.setAttribute('aria-invalid', 'true');
    const out = form.querySelector('[data-testid="bp-error"]');
    input.closest('label').after(out); // beside the field it is about
    out.textContent = body.error;
    out.hidden = false;
  }

  // The inspector's Debug tab, when it shows name (any state when name is omitted).
  function inspectorFor(name) {
    const form = root.querySelector('.inspector');
    if (!form || (name !== undefined && form.dataset.state !== name)) return null;
    return form;
  }

  // render draws the dots, the list and the inspector's fields: after every answer of the
  // server, since each one brings a new SVG and a new inspector.
  function render() {
    drawDots();
    renderList();
    fillInspector();
  }

  function drawDots() {
    canvas.querySelectorAll('.bp-dot').forEach((d) => d.remove());
    for (const b of settings.breakpoints) {
      const node = document.getElementById(nodeIdOf(b.state));
      const shape = node?.querySelector('path, polygon, ellipse');
      if (!shape) continue;
      const box = shape.getBBox();
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('class', `bp-dot ${b.enabled ? 'bp-on' : 'bp-off'}`);
      dot.setAttribute('cx', String(box.x + 3));
      dot.setAttribute('cy', String(box.y + 3));
      dot.setAttribute('r', '6');
      dot.dataset.state = b.state;
      dot.dataset.testid = `bp-dot-${b.state}`;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `Breakpoint${b.enabled ? '' : ' (disabled)'}${b.condition ? ` when ${b.condition}` : ''}: click to ${b.enabled ? 'disable' : 'enable'}`;
      dot.append(title);
      node.append(dot);
    }
  }

  function renderList() {
    const ul = $('breakpoints');
    $('break-on-error').checked = settings.breakOnError;
    if (!settings.breakpoints.length) {
      ul.innerHTML = '<li class="empty">None: select a state and press B.</li>';
      return;
    }
    ul.replaceChildren(...settings.breakpoints.map((b) => {
      const li = document.createElement('li');
      li.dataset.testid = 'breakpoint';
      li.dataset.state = b.state;
      const on = Object.assign(document.createElement('input'), { type: 'checkbox', checked: b.enabled });
      on.dataset.bpList = 'enabled';
      on.setAttribute('aria-label', `Pause at ${b.state}`);
      on.dataset.testid = 'breakpoint-enabled';
      const name = Object.assign(document.createElement('button'), { type: 'button', className: 'link', textContent: b.state });
      name.dataset.bpList = 'select';
      name.dataset.testid = 'breakpoint-state';
      const extra = [b.condition, b.hitCount > 1 ? `hit ${b.hitCount}` : ''].filter(Boolean).join(' · ');
      const info = Object.assign(document.createElement('small'), { className: 'muted', textContent: extra, title: extra });
      const del = Object.assign(document.createElement('button'), { type: 'button', className: 'link danger-link', textContent: '×' });
      del.dataset.bpList = 'remove';
      del.dataset.testid = 'breakpoint-remove';
      del.title = `Remove the breakpoint on ${b.state}`;
      del.setAttribute('aria-label', del.title);
      li.append(on, name, info, del);
      return li;
    }));
  }

  // fillInspector shows the selected state's breakpoint in the Debug tab; a field the user is
  // in keeps what they typed.
  function fillInspector() {
    const form = inspectorFor();
    if (!form) return;
    const b = find(form.dataset.state);
    const set = (id, prop, v) => {
      const el = form.querySelector(`[data-testid="${id}"]`);
      if (el && el !== document.activeElement) el[prop] = v;
      el?.removeAttribute('aria-invalid');
    };
    set('bp-enabled', 'checked', Boolean(b?.enabled));
    set('bp-condition', 'value', b?.condition || '');
    set('bp-hit-count', 'value', b?.hitCount ? String(b.hitCount) : '');
    const out = form.querySelector('[data-testid="bp-error"]');
    if (out) { out.textContent = ''; out.hidden = true; }
  }

  // The inspector's fields: each change is saved at once.
  root.addEventListener('change', (e) => {
    const el = e.target;
    const bp = el.dataset.bp;
    if (bp) {
      const state = el.closest('.inspector')?.dataset.state;
      if (!state) return;
      let fields;
      if (bp === 'enabled') fields = { enabled: el.checked };
      else if (bp === 'condition') fields = { condition: el.value.trim() };
      else {
        const n = el.value.trim() === '' ? 0 : Number(el.value);
        fields = { hitCount: Number.isInteger(n) ? n : -1 }; // the server says what is wrong
      }
      saveList((list) => changed(list, state, fields));
      return;
    }
    if (el.dataset.bpList === 'enabled') {
      const state = el.closest('li').dataset.state;
      saveList((list) => changed(list, state, { enabled: el.checked }));
    } else if (el.matches('[data-testid="break-on-error"]')) {
      save(() => ({ breakOnError: el.checked }));
    }
  });
  root.addEventListener('click', (e) => {
    const b = e.target.closest('[data-bp-list]');
    if (!b || b.type === 'checkbox') return;
    const state = b.closest('li').dataset.state;
    if (b.dataset.bpList === 'select') select(state);
    else if (b.dataset.bpList === 'remove') saveList((list) => list.filter((x) => x.state !== state));
  });
  // A click on a dot enables or disables its breakpoint, and selects nothing.
  canvas.addEventListener('click', (e) => {
    const dot = e.target.closest('.bp-dot');
    if (!dot) return;
    e.stopPropagation();
    const state = dot.dataset.state;
    saveList((list) => list.map((b) => (b.state === state ? { ...b, enabled: !b.enabled } : b)));
  });

  load();
  return {
    render,
    // toggle adds a breakpoint on the state, or removes it (the B key).
    toggle: (name) => name && saveList((list) => toggled(list, name)),
    // renaming tells of a RenameState sent: when the document that comes back has the new name
    // and not the old, the breakpoint moves (null: the rename was refused).
    renaming: (from, to) => { pending = from === null ? null : { from, to }; },
    // documentChanged follows the document the server answered with: a renamed state's
    // breakpoint moves, a deleted state's goes (names is null for a document that does not
    // parse: nothing changes then).
    documentChanged(names) {
      if (!names) return;
      const rename = pending && names.includes(pending.to) && !names.includes(pending.from) ? pending : null;
      pending = null;
      if (!loaded) return;
      saveList((list) => kept(rename ? renamed(list, rename.from, rename.to) : list, names));
    },
    get settings() { return settings; },
    idle: () => saving,
  };
}
