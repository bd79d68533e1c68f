// Format: JSON pretty-printed with two spaces, token by token, so numbers and strings keep
// their exact text (JSON.parse would round 12345678901234567890 and rewrite "\u00e9").
export function formatJSON(text) {
  JSON.parse(text); // only valid JSON is formatted: the error says where it is not
  let out = '';
  let depth = 0;
  const indent = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (/\s/.test(text[j])) j++;
      if (text[j] === close) { out += c + close; i = j; continue; } // {} and [] stay as they are
      depth++;
      out += c + indent();
    } else if (c === '}' || c === ']') {
      depth--;
      out += indent() + c;
    } else if (c === ',') {
      out += ',' + indent();
    } else if (c === ':') {
      out += ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out + '\n';
}

// startFormatButtons makes each [data-format] button format the textarea its value names (a
// data-testid), as an edit the user may undo with Ctrl+Z; invalid JSON is reported on the
// textarea and left as it is.
export function startFormatButtons(doc) {
  doc.addEventListener('click', (e) => {
    const b = e.target.closest?.('button[data-format]');
    const area = b && doc.querySelector(`textarea[data-testid="${b.dataset.format}"]`);
    if (!area) return;
    let text;
    try { text = formatJSON(area.value); } catch (err) {
      area.setCustomValidity(`Not valid JSON: ${err.message}`);
      area.reportValidity();
      area.addEventListener('input', () => area.setCustomValidity(''), { once: true });
      return;
    }
    if (text === area.value) return;
    area.focus();
    area.select();
    // execCommand keeps the change in the textarea's own undo history; where it is gone, the
    // value is set (without undo).
    if (!document.execCommand?.('insertText', false, text)) area.value = text;
  });
}
