// How the inbox says times: how long a task has waited and how long it has before its
// deadline. The server renders the same words (views.Waited, views.DueIn); the page keeps
// them current every second.

export function waited(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function dueIn(ms) {
  if (ms <= 0) return 'overdue';
  const s = Math.round(ms / 1000);
  if (s < 3600) return `due in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  if (s < 86400) return `due in ${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min`;
  return `due in ${Math.floor(s / 86400)} d ${Math.floor(s / 3600) % 24} h`;
}

// dueClass marks a deadline under five minutes away, or past.
export function dueClass(ms) {
  if (ms <= 0) return 'due overdue';
  if (ms < 5 * 60 * 1000) return 'due soon';
  return 'due';
}

// listPlan says how to turn the rows a page shows (ids, in order) into the ones a message
// lists: which to take from the message's rows, which to keep, which to drop; missing lists
// ids the message neither sends nor the page has, which only a full reload can repair.
export function listPlan(shown, order, sent) {
  const have = new Set(shown);
  const steps = order.map((id) => ({ id, from: sent.has(id) ? 'message' : have.has(id) ? 'page' : 'missing' }));
  const wanted = new Set(order);
  return {
    steps,
    removed: shown.filter((id) => !wanted.has(id)),
    missing: steps.filter((s) => s.from === 'missing').map((s) => s.id),
  };
}
