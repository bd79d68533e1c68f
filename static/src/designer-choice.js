// The inspector's rules of a Choice state, and New state… in the menus of transitions. The
// form's inputs are plain fields (a change is a SetField of its data-path); what changes the
// shape of a rule (another operator, a condition wrapped in And, Or or Not, removed, a rule
// moved) is one SetField of the rule or of Choices, rebuilt here from the Choices the
// server rendered (data-choices), so one gesture is one step of the undo history.

// The fields of a rule that are not its test.
const ruleFields = ['Next', 'Comment', 'Assign', 'Output'];

// The value a comparison gets when its operator takes another kind of value.
const defaults = { text: '', number: 0, boolean: true, timestamp: '2024-01-01T00:00:00Z', path: '$' };

// newComparison is the test a new rule or condition starts with.
export const newComparison = () => ({ Variable: '$.value', StringEquals: '' });

// at is the value at path (["Choices", 0, "And", 1]) inside the state's Choices.
export function at(choices, path) {
  let v = { Choices: choices };
  for (const step of path) v = v?.[step];
  return v;
}

// testOf is a rule's test: the rule without its Next, Comment, Assign and Output.
function testOf(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !ruleFields.includes(k)));
}

// withTest is obj with its test replaced by test, which takes the place of the old one
// among the rule's fields.
function withTest(obj, test) {
  const out = {};
  let placed = false;
  for (const [k, v] of Object.entries(obj)) {
    if (ruleFields.includes(k)) { out[k] = v; continue; }
    if (!placed) { Object.assign(out, test); placed = true; }
  }
  return placed ? out : { ...test, ...out };
}

const setField = (state, field, value) => ({ op: 'SetField', state, field, value });

// changeOperator is the edit of the comparison at path to operator op, whose value is of
// kind; the value stays when the old operator took the same kind (oldKind), else it becomes
// that kind's default. The operator keeps its place in the object.
export function changeOperator(state, choices, path, op, kind, oldKind) {
  const obj = at(choices, path);
  const old = Object.keys(obj).find((k) => k !== 'Variable' && !ruleFields.includes(k));
  const value = kind === oldKind && old in obj ? obj[old] : defaults[kind];
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === old) out[op] = value; else out[k] = v;
  }
  if (!old) out[op] = value;
  return [setField(state, path, out)];
}

// wrap puts the test at path inside a Not, or an And or Or with a new comparison after it.
export function wrap(state, choices, path, into) {
  const obj = at(choices, path);
  const test = testOf(obj);
  return [setField(state, path, withTest(obj, into === 'Not' ? { Not: test } : { [into]: [test, newComparison()] }))];
}

// unwrap takes the test out of the Not at path.
export function unwrap(state, choices, path) {
  const obj = at(choices, path);
  return [setField(state, path, withTest(obj, obj.Not))];
}

// addCondition adds a new comparison at the end of the And or Or at path.
export function addCondition(state, choices, path) {
  const obj = at(choices, path);
  const key = 'And' in obj ? 'And' : 'Or';
  return [setField(state, [...path, key, obj[key].length], newComparison())];
}

// removeCondition takes the condition at path out of its And or Or; the last one left takes
// the group's place, since an And of one test is that test.
export function removeCondition(state, choices, path) {
  const groupPath = path.slice(0, -2);
  const key = path[path.length - 2];
  const group = at(choices, groupPath);
  const list = group[key];
  if (list.length !== 2) return [{ op: 'SetField', state, field: path, delete: true }];
  return [setField(state, groupPath, withTest(group, list[1 - path[path.length - 1]]))];
}

// moveRule moves rule i by delta places (-1 up, 1 down).
export function moveRule(state, choices, i, delta) {
  const j = i + delta;
  if (j < 0 || j >= choices.length) return [];
  const out = [...choices];
  [out[i], out[j]] = [out[j], out[i]];
  return [setField(state, ['Choices'], out)];
}

// addRule adds a rule leading to target at the end of Choices, count rules long.
export function addRule(state, count, target, jsonata) {
  const rule = jsonata
    ? { Condition: '{% $states.input.value = true %}', Next: target }
    : { ...newComparison(), Next: target };
  return [count === 0 ? setField(state, ['Choices'], [rule]) : setField(state, ['Choices', count], rule)];
}

// choiceActions are the inspector buttons of the rules form and of the New state… form, by
// data-action; ctx gives apply(ops, options) and state() (the state the inspector shows).
export function choiceActions(ctx) {
  const choicesOf = (b) => JSON.parse(b.closest('[data-choices]').dataset.choices);
  const cond = (b) => JSON.parse(b.dataset.cond);
  const run = (ops, options) => { if (ops.length) ctx.apply(ops, options); };
  const rule = (b) => Number(b.dataset.index);
  return {
    'rule-up': (b) => run(moveRule(ctx.state(), choicesOf(b), rule(b), -1)),
    'rule-down': (b) => run(moveRule(ctx.state(), choicesOf(b), rule(b), 1)),
    'rule-remove': (b) => run([{ op: 'SetField', state: ctx.state(), field: ['Choices', rule(b)], delete: true }]),
    'rule-add': (b) => run(addRule(ctx.state(), Number(b.dataset.count), b.dataset.target, b.hasAttribute('data-jsonata'))),
    'cond-wrap': (b) => run(wrap(ctx.state(), choicesOf(b), cond(b), b.dataset.with)),
    'cond-unwrap': (b) => run(unwrap(ctx.state(), choicesOf(b), cond(b))),
    'cond-add': (b) => run(addCondition(ctx.state(), choicesOf(b), cond(b))),
    'cond-remove': (b) => run(removeCondition(ctx.state(), choicesOf(b), cond(b))),
    'new-state-create': (b) => {
      const form = b.closest('[data-testid="new-state"]');
      const type = form.querySelector('[data-new-state-type]').selectedOptions[0];
      const name = form.querySelector('[data-new-state-name]').value.trim();
      form.hidden = true;
      run([{ op: 'AddState', state: name, definition: JSON.parse(type.dataset.definition), beside: ctx.state(), link: JSON.parse(form.dataset.link) }],
        { nameBase: type.value });
    },
    // Add catcher where the scope has no other state: its target is made in the same edit.
    'add-catch-new': (b) => openNewState(b, JSON.stringify(['Catch', Number(b.dataset.count), 'Next']), b, 'Fail'),
    'new-state-cancel': (b) => {
      const form = b.closest('[data-testid="new-state"]');
      form.hidden = true;
      const menu = form.previousElementSibling?.querySelector('select');
      if (menu) menu.value = [...menu.options].find((o) => o.defaultSelected)?.value ?? '';
    },
  };
}

// openNewState shows the New state form under the element after, to make a state that the
// transition at link (a JSON path) of the inspected state leads to; type picks its type.
function openNewState(el, link, after, type) {
  const form = el.closest('.inspector').querySelector('[data-testid="new-state"]');
  form.dataset.link = link;
  after.after(form);
  if (type) form.querySelector('[data-new-state-type]').value = type;
  form.hidden = false;
  form.querySelector('[data-new-state-type]').focus();
}

// choiceChange handles a change of the rules form that is not a plain field: an operator,
// or New state… picked in a transition's menu (which opens the New state form under it).
// It returns whether it handled the change.
export function choiceChange(el, ctx) {
  if (el.matches('select') && el.selectedOptions[0]?.hasAttribute('data-new-state')) {
    openNewState(el, el.dataset.path || JSON.stringify([el.dataset.field]), el.closest('label'));
    return true;
  }
  if (el.dataset.operator) {
    const path = JSON.parse(el.dataset.operator);
    const chosen = el.selectedOptions[0];
    const old = [...el.options].find((o) => o.defaultSelected);
    ctx.apply(changeOperator(ctx.state(), JSON.parse(el.closest('[data-choices]').dataset.choices), path,
      chosen.value, chosen.dataset.kind, old?.dataset.kind));
    return true;
  }
  return false;
}
