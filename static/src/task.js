// The task page: countdowns to the deadlines, the output JSON checked as you type, a
// Parameters form whose values fill the output, and the claimant's Copy button.
import { formOutput, outputProblem, spanText, timeLeft } from './task-form.js';

export function startTaskPage(root) {
  startClocks(root);
  const form = root.querySelector('#approve-form');
  if (form) startApproveForm(form);
  const copy = root.querySelector('[data-copy-token]');
  if (copy) startCopy(copy, root.querySelector('[data-testid="task-token"]'));
}

// startClocks keeps the countdowns and the time waited current, from the server's "now"
// shifted by the browser's clock (so a wrong browser clock does not move deadlines).
function startClocks(root) {
  const skew = Date.parse(root.dataset.now) - Date.now();
  const tick = () => {
    const now = Date.now() + skew;
    for (const el of root.querySelectorAll('[data-deadline]')) {
      const text = timeLeft(Date.parse(el.dataset.deadline), now);
      el.textContent = text;
      el.classList.toggle('passed', text === 'passed');
    }
    const waited = root.querySelector('[data-since]');
    if (waited && !waited.dataset.until) waited.textContent = spanText(now - Date.parse(waited.dataset.since));
  };
  tick();
  setInterval(tick, 1000);
}

// startApproveForm checks the output as it is typed (Approve stays off while it is not JSON)
// and, when the Parameters describe a form, writes the form's values into it.
function startApproveForm(form) {
  const output = form.querySelector('textarea[name="output"]');
  const problem = form.querySelector('[data-testid="output-check"]');
  const approve = form.querySelector('[data-testid="approve"]');
  const fields = [...form.querySelectorAll('[data-field]')];
  let missing = [];
  const check = () => {
    const bad = outputProblem(output.value);
    let message = bad;
    if (!bad && missing.length) message = `Fill in the required ${missing.length === 1 ? 'field' : 'fields'}: ${missing.join(', ')}.`;
    problem.textContent = message;
    output.setAttribute('aria-invalid', String(bad !== ''));
    approve.disabled = message !== '';
  };
  const fromForm = () => {
    const r = formOutput(fields.map(fieldValue));
    missing = r.missing;
    output.value = JSON.stringify(r.output, null, 2);
    check();
  };
  output.addEventListener('input', check);
  for (const f of fields) f.addEventListener('input', fromForm);
  if (fields.length) fromForm(); else check();
}

function fieldValue(label) {
  const input = label.querySelector('input, select');
  const type = label.dataset.type || 'text';
  return {
    name: label.dataset.field,
    type,
    value: type === 'boolean' ? input.checked : input.value,
    required: input.required,
  };
}

function startCopy(button, input) {
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = 'Copied';
    } catch {
      input.select(); // no clipboard (an insecure origin): let the user copy it
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  });
}
