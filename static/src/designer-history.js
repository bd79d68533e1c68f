// The designer's undo history: the documents the server returned, and where the page is among
// them. It is plain data with no DOM or storage, so the page can keep it in localStorage beside
// the draft (a reload, or a tab closed and opened again, keeps undo and redo) and Node can test
// it. It is bounded because localStorage is small (a few megabytes per origin, shared by every
// draft of every machine): past the bound the oldest entries go first, since a
// step far back is the one least likely to be wanted.

// Limits by default: 100 steps, and about 4 MB of text as browsers count it (UTF-16, two bytes
// a character) so one machine's history leaves room for its draft and the other machines'.
export const maxEntries = 100;
export const maxChars = 2_000_000;

// createHistory starts a history at one document. stamp changes with every change of docs or
// at, so the page writes the stored copy only when there is something new to write.
export function createHistory(first, limits = {}) {
  return { docs: [first], at: 0, stamp: 0, limits: { maxEntries, maxChars, ...limits } };
}

export const current = (h) => h.docs[h.at];
export const canUndo = (h) => h.at > 0;
export const canRedo = (h) => h.at < h.docs.length - 1;

// push makes doc the current document: the redo tail goes, as in every editor, since it
// branched from a state the user has left. The same document again is no step.
export function push(h, doc) {
  if (doc === current(h)) return false;
  h.docs.splice(h.at + 1);
  h.docs.push(doc);
  h.at = h.docs.length - 1;
  trim(h);
  h.stamp++;
  return true;
}

export function undo(h) {
  if (!canUndo(h)) return false;
  h.at--;
  h.stamp++;
  return true;
}

export function redo(h) {
  if (!canRedo(h)) return false;
  h.at++;
  h.stamp++;
  return true;
}

// trim keeps the history within its limits: the oldest entries first, then (only after a
// restore with a long redo tail) the newest redo steps; the current document always stays.
function trim(h) {
  const { maxEntries: n, maxChars: c } = h.limits;
  let chars = h.docs.reduce((sum, d) => sum + d.length, 0);
  const over = () => h.docs.length > 1 && (h.docs.length > n || chars > c);
  while (over() && h.at > 0) { chars -= h.docs.shift().length; h.at--; }
  while (over() && canRedo(h)) chars -= h.docs.pop().length;
}

// serialise is the text to store. skip leaves out that many of the oldest entries (never the
// current one), for when localStorage refuses the whole; null when nothing more can be skipped.
export function serialise(h, skip = 0) {
  if (skip > h.at) return null;
  return JSON.stringify({ v: 1, at: h.at - skip, docs: h.docs.slice(skip) });
}

// restore reads what serialise wrote. Anything else (another version's format, a truncated or
// hand-edited entry) is null: the page then starts a fresh history rather than break.
export function restore(text, limits = {}) {
  let data;
  try { data = JSON.parse(text); } catch { return null; }
  if (!data || data.v !== 1 || !Array.isArray(data.docs) || data.docs.length === 0) return null;
  if (!data.docs.every((d) => typeof d === 'string')) return null;
  if (!Number.isInteger(data.at) || data.at < 0 || data.at >= data.docs.length) return null;
  const h = createHistory(data.docs[0], limits);
  h.docs = data.docs;
  h.at = data.at;
  // Limits may have shrunk since it was written.
  trim(h);
  return h;
}
