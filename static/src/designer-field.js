// What an inspector field's text means as the value of a SetField edit, by the field's kind:
// "string" is the text itself; "list" is names separated by commas; "json" is JSON; "jsonata"
// (a field of a JSONata state) is a {% ... %} expression as it is written, without quotes,
// or else JSON. Empty text deletes the field. The values of a Choice rule are never deleted
// (the rule would have no value): "text" is the text itself, empty too; "number" a number, or
// else the text, which the server refuses saying the rule and field; "condition" an
// expression, true or false, or else the text, refused the same way.
export function fieldValue(kind, raw) {
  const text = raw.trim();
  if (kind === 'text') return { value: raw };
  if (kind === 'number') return { value: jsonNumber(text) ?? text };
  if (kind === 'condition') return { value: text === 'true' || text === 'false' ? text === 'true' : text };
  if (text === '') return { delete: true };
  if (kind === 'string') return { value: raw };
  if (kind === 'list') return { value: text.split(',').map((x) => x.trim()).filter(Boolean) };
  if (kind === 'jsonata' && isExpression(text)) return { value: text };
  try { return { value: JSON.parse(text) }; } catch (err) {
    const hint = kind === 'jsonata' ? 'Strings need quotes; an expression is written {% ... %}.' : 'Strings need quotes.';
    return { error: `not valid JSON (${err.message}). ${hint}` };
  }
}

// jsonNumber is the number JSON text writes, undefined when it is not one.
function jsonNumber(text) {
  try {
    const v = JSON.parse(text);
    return typeof v === 'number' ? v : undefined;
  } catch { return undefined; }
}

// isExpression reports a JSONata expression: text that is exactly "{% ... %}".
export function isExpression(text) {
  return text.length >= 4 && text.startsWith('{%') && text.endsWith('%}');
}

// fieldSelectors are the inspector elements that may show the field an edit was refused
// for, a JSON pointer inside the state ("Catch/0/Next", "Parameters/a.$"), the nearest first:
// the entry's own input, else the field that holds it.
export function fieldSelectors(pointer) {
  if (!pointer) return [];
  const path = pointer.split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
  const out = [];
  for (let n = path.length; n >= 1; n--) {
    const at = path.slice(0, n);
    out.push(n === 1 ? `[data-field="${attrValue(at[0])}"]` : `[data-path="${attrValue(JSON.stringify(at))}"]`);
  }
  return out;
}

// attrValue quotes a value for an attribute selector in double quotes.
function attrValue(s) {
  return String(s).replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}
