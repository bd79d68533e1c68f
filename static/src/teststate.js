// "Test state" in the designer's inspector: sends the document the designer shows, the selected
// state, the input and the mock result to the server, which runs that one state and answers
// with the value after each step, drawn as HTML. The inspector is redrawn after every edit, so
// what the user typed in the test fields is kept per state and put back.
export function startTestState(root) {
  const base = root.dataset.base;
  const typed = new Map(); // state name -> { input, mock }

  const panelOf = (el) => el.closest('[data-test-state]');
  const part = (panel, id) => panel.querySelector(`[data-testid="${id}"]`);

  root.addEventListener('input', (e) => {
    const panel = panelOf(e.target);
    if (!panel) return;
    typed.set(panel.dataset.testState, {
      input: part(panel, 'test-input').value,
      mock: part(panel, 'test-mock')?.value ?? '',
      error: part(panel, 'test-mock-error')?.value ?? '',
      cause: part(panel, 'test-mock-cause')?.value ?? '',
    });
  });

  const inspector = root.querySelector('[data-testid="inspector"]');
  if (inspector) {
    new MutationObserver(() => {
      const panel = inspector.querySelector('[data-test-state]');
      const kept = panel && typed.get(panel.dataset.testState);
      if (!kept) return;
      part(panel, 'test-input').value = kept.input;
      const mock = part(panel, 'test-mock');
      if (mock) {
        mock.value = kept.mock;
        part(panel, 'test-mock-error').value = kept.error;
        part(panel, 'test-mock-cause').value = kept.cause;
        if (kept.error) mock.closest('[data-test-state]').querySelector('details').open = true;
      }
    }).observe(inspector, { childList: true });
  }

  root.addEventListener('click', (e) => {
    const button = e.target.closest('[data-test-run]');
    if (button) run(panelOf(button), button);
  });
  // Ctrl+Enter in the input or the mock runs the test.
  root.addEventListener('keydown', (e) => {
    const panel = panelOf(e.target);
    if (panel && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run(panel, part(panel, 'test-run'));
    }
  });

  async function run(panel, button) {
    const error = part(panel, 'test-error');
    const out = part(panel, 'test-result');
    const mock = part(panel, 'test-mock');
    error.hidden = true;
    button.disabled = true;
    button.textContent = 'Testing…';
    try {
      const res = await fetch(`${base}/design/test`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          document: root.designer.current(),
          state: panel.dataset.testState,
          input: part(panel, 'test-input').value,
          mockResult: mock ? mock.value : '',
          mockError: { error: part(panel, 'test-mock-error')?.value ?? '', cause: part(panel, 'test-mock-cause')?.value ?? '' },
        }),
      });
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
      if (!res.ok) {
        out.innerHTML = '';
        error.textContent = [body.error, ...(body.problems || [])].join(' ');
        error.hidden = false;
        const field = { input: part(panel, 'test-input'), mockResult: mock }[body.field];
        if (field && body.line) pointAt(field, body.line, body.column);
        return;
      }
      out.innerHTML = body.html;
      // The inspector is long: bring the status and the first steps into view.
      out.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      error.textContent = `The test could not be sent: ${err.message}`;
      error.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = 'Test';
    }
  }
}

// pointAt puts the cursor where a JSON error is (line and column from 1).
function pointAt(textarea, line, column) {
  const lines = textarea.value.split('\n');
  let at = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i].length + 1;
  at = Math.min(at + column - 1, textarea.value.length);
  textarea.focus();
  textarea.setSelectionRange(at, Math.min(at + 1, textarea.value.length));
}
