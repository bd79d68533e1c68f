// The live inbox: the list adds, updates and removes tasks as the server pushes them over
// /inbox/ws, and the navigation's badge on every page follows the number of waiting tasks.
// The server renders every row; the page only places them, and keeps the relative times
// ("waiting 3 min", "due in 1:59") current.
import { waited, dueIn, dueClass, listPlan } from './inbox-time.js';
import { outputProblem } from './task-form.js';

// startInboxLive starts what the page has: the inbox list (which also feeds the badge), or
// else the badge alone on its count-only socket.
export function startInboxLive(doc) {
  const badge = doc.querySelector('[data-testid="inbox-count"]');
  const list = doc.getElementById('inbox');
  if (list) {
    startInboxList(list, badge);
  } else if (badge) {
    listen(badge.dataset.socket, { message: (msg) => showCount(badge, msg.count) });
  }
}

function showCount(badge, n) {
  if (!badge) return;
  badge.textContent = String(n);
  badge.hidden = n === 0;
  badge.title = n === 1 ? '1 task waits for a decision' : `${n} tasks wait for a decision`;
}

function startInboxList(root, badge) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const flag = $('live-flag');
  listen(root.dataset.socket, {
    open: () => { flag.hidden = false; },
    close: () => { flag.hidden = true; },
    message: (msg) => {
      showCount(badge, msg.count);
      $('inbox-summary').textContent = msg.summary;
      $('inbox-empty').hidden = msg.count > 0;
      $('inbox-no-match').hidden = msg.count === 0 || msg.matched > 0;
      $('inbox-more').hidden = !msg.more;
      $('inbox-more').textContent = msg.more || '';
      applyRows($('task-list'), msg);
      // A row drawn again keeps what was typed (keepTyped): check it again.
      $('task-list').querySelectorAll('[data-testid="approve-output"]').forEach(checkOutput);
      offer($('filter-machine'), msg.machines || []);
      offer($('filter-state'), msg.states || []);
      tickTimes(root);
    },
  });
  tickTimes(root);
  setInterval(() => tickTimes(root), 1000);
  checkOutputs(root);
}

// checkOutput shows what is wrong with a task's output JSON under it, and keeps Approve off
// while there is something; it returns the problem, '' for none.
function checkOutput(field) {
  const form = field.closest('[data-testid="approve-form"]');
  const problem = outputProblem(field.value);
  form.querySelector('[data-testid="output-check"]').textContent = problem;
  field.setAttribute('aria-invalid', String(problem !== ''));
  form.querySelector('[data-testid="approve"]').disabled = problem !== '';
  return problem;
}

// checkOutputs checks each task's output JSON as it is typed, as the task page does: Approve
// stays off and the problem is said under the field while it is not JSON. The rows come and
// go with the live list, so the list listens for all of them.
function checkOutputs(root) {
  root.addEventListener('input', (e) => {
    if (e.target.matches('[data-testid="approve-output"]')) checkOutput(e.target);
  });
  // A form sent without typing (a value kept over a re-render, the keyboard) is checked too.
  root.addEventListener('submit', (e) => {
    const field = e.target.querySelector('[data-testid="approve-output"]');
    if (field && checkOutput(field)) e.preventDefault();
  });
}

// applyRows makes the list show msg.order: rows the message sends replace or join the page's,
// the others stay as they are (with what the user typed), and the rest leave.
function applyRows(list, msg) {
  const shown = new Map([...list.children].map((el) => [el.dataset.taskId, el]));
  const sent = new Map(Object.entries(msg.rows || {}));
  const order = (msg.order || []).map(String);
  const plan = listPlan([...shown.keys()], order, new Set(sent.keys()));
  if (plan.missing.length > 0) {
    window.location.reload(); // cannot happen with this server; a reload is always right
    return;
  }
  const rows = plan.steps.map(({ id, from }) => {
    if (from === 'page') return shown.get(id);
    const row = rowFrom(sent.get(id));
    const old = shown.get(id);
    // A (re)connection sends every row: the unchanged ones stay, with focus and typing.
    if (old && old.dataset.version === row.dataset.version) return old;
    if (old) keepTyped(old, row); else row.classList.add('fresh');
    return row;
  });
  const same = rows.length === list.children.length && rows.every((el, i) => list.children[i] === el);
  if (!same) list.replaceChildren(...rows);
  for (const el of rows) {
    if (el.classList.contains('fresh')) setTimeout(() => el.classList.remove('fresh'), 1500);
  }
}

// offer makes a filter's choices the names that wait now, keeping the one chosen.
function offer(select, names) {
  const chosen = select.value;
  const all = chosen && !names.includes(chosen) ? [...names, chosen] : names;
  const now = [...select.options].slice(1).map((o) => o.value);
  if (now.length === all.length && now.every((v, i) => v === all[i])) return;
  select.replaceChildren(select.options[0], ...all.map((name) => new Option(name, name, false, name === chosen)));
}

function rowFrom(html) {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content.firstElementChild;
}

// keepTyped carries what the user typed into a row's forms over to its new version (a claim
// or a heartbeat re-renders the row).
function keepTyped(old, row) {
  old.querySelectorAll('textarea[name], input[type=text][name]').forEach((field) => {
    const form = field.closest('form')?.dataset.testid;
    const twin = row.querySelector(`form[data-testid="${form}"] [name="${field.name}"]`);
    if (twin && field.value) twin.value = field.value;
  });
  if (old.querySelector('details[open]')) row.querySelector('details')?.setAttribute('open', '');
}

// tickTimes rewrites the relative times from their absolute data attributes.
function tickTimes(root) {
  const now = Date.now();
  root.querySelectorAll('[data-since]').forEach((el) => {
    el.textContent = `waiting ${waited(now - Number(el.dataset.since))}`;
  });
  root.querySelectorAll('[data-deadline]').forEach((el) => {
    const left = Number(el.dataset.deadline) - now;
    el.textContent = dueIn(left);
    el.className = dueClass(left);
  });
}

// listen keeps a websocket open, reconnecting with a growing pause (up to 10 s). Each
// connection starts with the whole state (the list, or the count), so a page that was cut
// off catches up with what it missed.
function listen(path, on) {
  let pause = 500;
  function connect() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}${path}`);
    ws.onopen = () => {
      pause = 500;
      on.open?.();
    };
    ws.onmessage = (e) => on.message(JSON.parse(e.data));
    ws.onclose = () => {
      on.close?.();
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 10000);
    };
  }
  connect();
}
