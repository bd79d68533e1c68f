// Forms with data-confirm ask before they are sent (removing a target): one listener for the
// page, so a form needs no script of its own.
export function startConfirms(root) {
  root.addEventListener('submit', (e) => {
    const form = e.target.closest?.('form[data-confirm]');
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
}
