// comparePick decides what the Compare button of an executions list offers, from the ticked
// rows ({ id, machine }, in the order they were ticked).
export function comparePick(picks) {
  if (picks.length === 0) return { enabled: false, hint: 'Tick two executions of the same state machine to compare them.' };
  if (picks.length === 1) return { enabled: false, hint: 'Tick one more execution of the same state machine.' };
  const [x, y] = picks;
  if (x.machine !== y.machine) {
    return { enabled: false, hint: `These belong to different state machines (${x.machine}, ${y.machine}); tick two of the same one.` };
  }
  // The older one on the left, as time reads left to right.
  const [a, b] = Number(x.id) < Number(y.id) ? [x, y] : [y, x];
  return { enabled: true, hint: 'Ready: Compare shows them side by side.', url: `/executions/compare?a=${a.id}&b=${b.id}` };
}

// addPick ticks one more row: at most two stay ticked, the earliest goes first.
export function addPick(picks, pick) {
  const next = [...picks.filter((p) => p.id !== pick.id), pick];
  return next.length > 2 ? next.slice(next.length - 2) : next;
}
