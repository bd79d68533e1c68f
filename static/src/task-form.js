// The pure part of the task page: a Parameters form's values as the approval's output, and
// the durations the countdowns show. Kept apart from the DOM so node --test checks it.
import { checkJSON } from './json-check.js';

// outputProblem is what is wrong with an approval's output as typed, '' when nothing is: the
// task page and the inbox list both check it before it is sent.
export function outputProblem(text) {
  const r = checkJSON(text);
  return r.ok ? '' : r.message.replace('The input is empty; an execution needs', 'The output is empty; approve with');
}

// formOutput turns the form's fields ({name, type, value, required}) into the output object;
// missing lists the required fields that are empty. An empty optional text or number is left
// out, so the output holds only what was given.
export function formOutput(fields) {
  const out = {};
  const missing = [];
  for (const f of fields) {
    if (f.type === 'boolean') { out[f.name] = Boolean(f.value); continue; }
    const text = String(f.value ?? '').trim();
    if (text === '') {
      if (f.required) missing.push(f.name);
      continue;
    }
    if (f.type === 'number') {
      const n = Number(text);
      if (Number.isFinite(n)) out[f.name] = n; else missing.push(f.name);
      continue;
    }
    out[f.name] = text;
  }
  return { output: out, missing };
}

// spanText writes a duration in milliseconds as the server does (views.spanText).
export function spanText(ms) {
  const s = Math.round(Math.max(ms, 0) / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor(s / 3600) % 24} h`;
}

// timeLeft is a countdown's text: the time left, or "passed".
export function timeLeft(deadlineMs, nowMs) {
  const left = deadlineMs - nowMs;
  return left <= 0 ? 'passed' : `${spanText(left)} left`;
}
