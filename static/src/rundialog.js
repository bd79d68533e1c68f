// The designer's run dialog: an input checked as it is typed, the inputs saved for this
// machine (GET, PUT, DELETE under /machines/NAME/inputs), and the start of an execution of
// the saved version, or of a debug run of it, whose page then opens. The designer (root.designer) tells whether there
// is unsaved work, saves it, and leaves the page with the draft kept.
import { checkJSON, pretty } from './json-check.js';

export function startRunDialog(root) {
  const dialog = root.querySelector('[data-testid="run-dialog"]');
  if (!dialog) return;
  const $ = (id) => dialog.querySelector(`[data-testid="${id}"]`);
  const input = $('run-input');
  let touched = false; // the user typed or picked: reopening keeps their text

  function show(el, text) { el.textContent = text || ''; el.hidden = !text; }
  const problem = (text) => show($('run-error'), text);

  function check() {
    const r = checkJSON(input.value);
    const out = $('run-input-check');
    out.textContent = r.ok ? 'Valid JSON.' : r.message;
    out.classList.toggle('bad', !r.ok);
    input.setAttribute('aria-invalid', String(!r.ok));
    $('run-start').disabled = !r.ok;
    $('run-debug').disabled = !r.ok;
    $('run-save-and-start').disabled = !r.ok;
    $('save-input').disabled = !r.ok;
    return r.ok;
  }
  input.addEventListener('input', () => { touched = true; check(); });

  async function open() {
    problem('');
    const dirty = root.designer?.dirty();
    $('run-unsaved').hidden = !dirty;
    $('run-save-and-start').hidden = !dirty;
    dialog.querySelector('[data-run-version]').textContent = `version ${root.designer?.version ?? ''}`;
    $('run-start').textContent = dirty ? 'Run saved version' : 'Run';
    $('run-debug').textContent = dirty ? 'Debug saved version' : 'Debug';
    delete dialog.dataset.ready;
    dialog.showModal();
    const body = await loadInputs();
    if (body && !touched) input.value = pretty(body.last);
    check();
    input.focus();
    dialog.dataset.ready = 'true'; // the last input and the saved ones are in
  }

  async function loadInputs() {
    const res = await fetch(dialog.dataset.inputs);
    if (!res.ok) { problem(`The saved inputs could not be loaded (the server answered ${res.status}).`); return null; }
    const body = await res.json();
    showInputs(body.inputs);
    return body;
  }

  function showInputs(inputs) {
    const list = $('saved-inputs');
    if (inputs.length === 0) {
      list.innerHTML = '<li class="empty">None yet: name the input below and save it.</li>';
      return;
    }
    list.replaceChildren(...inputs.map(savedItem));
  }
  function savedItem(it) {
    const li = document.createElement('li');
    li.dataset.name = it.name;
    li.dataset.testid = 'saved-input';
    const pick = Object.assign(document.createElement('button'), { type: 'button', className: 'link', textContent: it.name, title: it.input });
    pick.dataset.run = 'pick';
    pick.dataset.testid = 'pick-input';
    const del = Object.assign(document.createElement('button'), { type: 'button', className: 'link danger-link', textContent: 'Delete' });
    del.dataset.run = 'delete-input';
    del.setAttribute('aria-label', `Delete the saved input ${it.name}`);
    li._input = it.input;
    li.append(pick, del);
    return li;
  }

  const inputsURL = (name) => `${dialog.dataset.inputs}/${encodeURIComponent(name)}`;
  const note = (text) => { $('saved-inputs-note').textContent = text; };

  async function saveInput() {
    const name = $('save-input-name').value.trim();
    if (!name) { note('Type a name first.'); $('save-input-name').focus(); return; }
    if (!check()) return;
    const res = await fetch(inputsURL(name), {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ input: input.value }),
    });
    const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    if (!res.ok) { note(body.error); return; }
    $('save-input-name').value = '';
    note(`Saved as "${name}".`);
    await loadInputs();
  }

  async function deleteInput(li) {
    const res = await fetch(inputsURL(li.dataset.name), { method: 'DELETE' });
    if (!res.ok && res.status !== 404) { note(`Not deleted: the server answered ${res.status}.`); return; }
    note(`Deleted "${li.dataset.name}".`);
    await loadInputs();
  }

  function pickInput(li) {
    input.value = pretty(li._input);
    touched = true;
    $('save-input-name').value = li.dataset.name;
    note(`Using "${li.dataset.name}".`);
    check();
  }

  // start posts the form the machine page posts; the answer is the execution's page (after
  // a redirect) or the machine page with the reason it refused. A debug run (debug=1) pauses
  // at the machine's breakpoints.
  async function start(debug = false) {
    if (!check()) return;
    problem('');
    $('run-start').disabled = true;
    $('run-debug').disabled = true;
    try {
      const body = new URLSearchParams({ input: input.value });
      if (debug === true) body.set('debug', '1');
      const testCase = dialog.querySelector('[data-testid="run-test-case"]');
      if (testCase?.value) body.set('testCase', testCase.value);
      const res = await fetch(dialog.dataset.start, { method: 'POST', body });
      if (res.ok && res.redirected) { root.designer.leave(res.url); return; }
      const page = new DOMParser().parseFromString(await res.text(), 'text/html');
      const why = page.querySelector('[data-testid="run-problem"], [data-testid="error-message"]');
      problem(why ? why.textContent : `The run did not start: the server answered ${res.status}.`);
    } catch (e) {
      problem(`The run did not start: ${e.message}`);
    } finally {
      check();
    }
  }

  async function saveThenStart() {
    if (!(await root.designer.save())) { problem('The design was not saved (see the message above the designer), so nothing ran.'); return; }
    $('run-unsaved').hidden = true;
    $('run-save-and-start').hidden = true;
    await start();
  }

  const actions = {
    open,
    start: () => start(false),
    debug: () => start(true),
    'save-and-start': saveThenStart,
    close: () => dialog.close(),
    'save-input': saveInput,
    'delete-input': (b) => deleteInput(b.closest('li')),
    pick: (b) => pickInput(b.closest('li')),
  };
  root.addEventListener('click', (e) => {
    const b = e.target.closest('[data-run]');
    if (b) actions[b.dataset.run]?.(b);
  });
  $('save-input-name').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); saveInput(); } });
  input.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); start(false); }
  });
}
