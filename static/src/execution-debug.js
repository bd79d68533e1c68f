// The execution page's debug panel: a debug run's frames paused now (the fold's pauses, kept
// live by the page's socket), each with its input and variables editable as JSON, checked as
// they are typed, and Continue, Step, Step into, Run to here and Stop. The server records each
// pause, change and resume in the history; this only sends the command.
import { checkJSON } from './json-check.js';

const reasons = {
  breakpoint: 'at a breakpoint, before it is entered',
  step: 'after a step, before it is entered',
  'run to here': 'run to here, before it is entered',
  restart: 'again after the studio restarted, before it is entered',
  error: 'on an error, before its Retry or Catch decides',
};

// pretty writes JSON text as the panel shows it, or the text itself when it is not JSON.
function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

// same reports whether two JSON texts hold the same value.
function same(a, b) {
  try { return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)); } catch { return false; }
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}

// renderPauses shows the pauses of the page's model in the panel and marks their states on
// the graph; stateNames are the states Run to here offers.
export function renderPauses(page, stateNames) {
  const panel = page.root.querySelector('[data-testid="debug-panel"]');
  if (!panel) return;
  const pauses = page.model.pauses || [];
  panel.hidden = pauses.length === 0;
  const list = panel.querySelector('[data-testid="debug-pauses"]');
  const shown = new Map([...list.children].map((c) => [Number(c.dataset.pause), c]));
  // A card being edited stays as it is; gone pauses go, new ones come.
  for (const [id, card] of shown) if (!pauses.some((p) => p.id === id)) card.remove();
  for (const p of pauses) if (!shown.has(p.id)) list.append(pauseCard(page, p, stateNames));
  panel.querySelector('[data-testid="debug-count"]').textContent = pauses.length === 1 ? '1 paused' : `${pauses.length} paused`;
  for (const n of page.root.querySelectorAll('.node.paused')) n.classList.remove('paused');
  for (const p of pauses) page.root.querySelector(`[id="${p.node}"]`)?.classList.add('paused');
}

function pauseCard(page, p, stateNames) {
  const where = p.label ? ` in ${p.label}` : '';
  const card = el('article', { class: 'pause', 'data-pause': String(p.id), 'data-state': p.state, 'data-testid': 'pause' },
    el('h3', {}, 'Paused at ', el('strong', { 'data-testid': 'pause-state', text: p.state }), where),
    el('p', { class: 'muted', 'data-testid': 'pause-reason', text: reasons[p.reason] || p.reason }));
  if (p.error) {
    card.append(el('div', { class: 'alert alert-error', 'data-testid': 'pause-error' }, el('strong', { text: p.error }), ' ', p.cause || ''));
  }
  if (p.next) card.append(el('p', { 'data-testid': 'pause-next' }, el('strong', { text: p.reason === 'error' ? 'Next: ' : 'Note: ' }), p.next));
  const input = el('textarea', { class: 'code', rows: '6', spellcheck: 'false', 'data-testid': 'pause-input', 'aria-label': `Input of ${p.state}` });
  input.value = pretty(p.input);
  const inputCheck = el('small', { class: 'check', 'data-testid': 'pause-input-check' });
  const vars = el('textarea', { class: 'code', rows: '4', spellcheck: 'false', 'data-testid': 'pause-variables', 'aria-label': 'Variables' });
  const original = JSON.stringify(Object.fromEntries(Object.entries(p.variables || {}).map(([k, v]) => [k, JSON.parse(v)])), null, 2);
  vars.value = original;
  const varsCheck = el('small', { class: 'check', 'data-testid': 'pause-variables-check' });
  const problem = el('div', { class: 'alert alert-error', 'data-testid': 'pause-problem', hidden: true });
  const buttons = [];
  const check = () => {
    const i = checkJSON(input.value);
    const v = checkJSON(vars.value);
    const varsObject = v.ok && JSON.parse(vars.value) !== null && typeof JSON.parse(vars.value) === 'object' && !Array.isArray(JSON.parse(vars.value));
    inputCheck.textContent = i.ok ? '' : i.message;
    varsCheck.textContent = v.ok ? (varsObject ? '' : 'The variables are a JSON object of names and values.') : v.message;
    input.setAttribute('aria-invalid', String(!i.ok));
    vars.setAttribute('aria-invalid', String(!(v.ok && varsObject)));
    for (const b of buttons) b.disabled = !i.ok || !(v.ok && varsObject);
  };
  input.addEventListener('input', check);
  vars.addEventListener('input', check);

  async function send(action, runTo = '') {
    const body = { pause: p.id, action, runTo };
    if (!same(input.value, p.input)) body.input = input.value;
    if (!same(vars.value, original)) {
      // Only the variables given a new value (or a new one) are sent.
      const now = JSON.parse(vars.value);
      const before = JSON.parse(original);
      const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
      body.variables = JSON.stringify(changed);
    }
    for (const b of buttons) b.disabled = true;
    problem.hidden = true;
    const res = await fetch(`${page.base}/debug`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) {
      card.classList.add('resuming');
      card.querySelector('[data-testid="pause-reason"]').textContent = 'Resuming…';
      return;
    }
    const answer = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    problem.textContent = answer.error;
    problem.hidden = false;
    check();
  }
  const button = (label, testid, action, title) => {
    const b = el('button', { type: 'button', 'data-testid': testid, title, text: label });
    b.addEventListener('click', () => send(action));
    buttons.push(b);
    return b;
  };
  const runToSelect = el('select', { 'data-testid': 'pause-run-to-state', 'aria-label': 'State to run to' },
    ...stateNames.map((n) => el('option', { value: n, text: n })));
  const runTo = el('button', { type: 'button', 'data-testid': 'pause-run-to', text: 'Run to', title: 'Go on until a frame reaches the state chosen' });
  runTo.addEventListener('click', () => send('runTo', runToSelect.value));
  buttons.push(runTo);
  const stop = el('button', { type: 'button', class: 'danger', 'data-testid': 'pause-stop', text: '■ Stop', title: 'Stop the execution' });
  stop.addEventListener('click', () => page.root.querySelector('[data-testid="stop-form"]')?.requestSubmit());
  const actions = el('div', { class: 'toolbar' },
    button('▶ Continue', 'pause-continue', 'continue', 'Go on until the next breakpoint'),
    button('Step', 'pause-step', 'step', 'Run this state, pause before the next one'));
  if (p.container) actions.append(button('Step into', 'pause-step-into', 'stepInto', 'Pause before the first state of each branch or iteration'));
  actions.append(runToSelect, runTo, stop);
  card.append(
    el('label', {}, 'Input', input), inputCheck,
    el('label', {}, 'Variables', vars), varsCheck,
    problem, actions);
  if (p.reason === 'error') {
    // On an error the state's input is what it was given: only going on is up to the user.
    input.readOnly = true;
  }
  check();
  return card;
}
