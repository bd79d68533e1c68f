// checkJSON says whether text is JSON and, when not, what is wrong in words a user can act
// on, with the line and column when the browser tells the position.
export function checkJSON(text) {
  if (text.trim() === '') return { ok: false, message: 'The input is empty; an execution needs a JSON value, such as {}.' };
  try {
    JSON.parse(text);
    return { ok: true, message: '' };
  } catch (e) {
    return { ok: false, ...describe(text, e.message) };
  }
}

// describe drops the browser's echo of the whole text (it can be long) and turns
// "at position N" into a line and column.
function describe(text, raw) {
  let message = raw.replace(/, (\.\.\.)?".*is not valid JSON$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : breakOffset(text);
  if (offset === null) return { message: `Not valid JSON: ${message}.` };
  const { line, column } = lineColumn(text, offset);
  message = message.replace(/ in JSON at position \d+/, '').replace(/ at position \d+/, '');
  return { message: `Not valid JSON at line ${line}, column ${column}: ${message}.`, line, column };
}

// breakOffset finds where text stops being JSON when the browser does not say: the longest
// prefix that is JSON or could still become JSON ends there (a binary search, since every
// prefix of such a prefix is one too).
function breakOffset(text) {
  const viable = (n) => {
    try { JSON.parse(text.slice(0, n)); return true; } catch (e) {
      // Cut short, not broken: the browser stops at the end of the prefix.
      return /end of JSON input/.test(e.message) || new RegExp(`at position ${n}\\b`).test(e.message);
    }
  };
  let lo = 0;
  let hi = text.length; // viable(lo) holds; find the largest such lo
  if (viable(hi)) return null;
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    if (viable(mid)) lo = mid; else hi = mid;
  }
  return lo;
}

// lineColumn turns an offset into a 1-based line and column.
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// pretty indents JSON text for editing; text that is not JSON comes back as it is.
export function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
