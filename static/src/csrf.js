// The server refuses a state-changing request without the page's CSRF token (web/csrf.go),
// so that another site cannot make this browser start or decide things. The token is added
// here, once, to every same-origin fetch that changes something, so the page modules call
// fetch() as usual and none can forget it.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// needsToken says whether a request of this method to this URL must carry the token: only
// state-changing ones to this origin (the token must never leak to another site).
export function needsToken(method, url, origin) {
  if (SAFE_METHODS.has(String(method || 'GET').toUpperCase())) return false;
  try {
    return new URL(url, origin).origin === origin;
  } catch {
    return false;
  }
}

// withCSRF wraps a fetch function so that it adds the X-CSRF-Token header where needed;
// getToken reads the token when the request is made.
export function withCSRF(fetchFn, getToken, origin) {
  return (input, init = {}) => {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const method = init.method || (isRequest ? input.method : 'GET');
    const url = isRequest ? input.url : String(input);
    const token = getToken();
    if (!token || !needsToken(method, url, origin)) return fetchFn(input, init);
    const headers = new Headers(init.headers || (isRequest ? input.headers : undefined));
    if (!headers.has('X-CSRF-Token')) headers.set('X-CSRF-Token', token);
    return fetchFn(input, { ...init, headers });
  };
}

// installCSRF makes window.fetch add the token of the page's <meta name="csrf-token">.
export function installCSRF(win = window) {
  const token = () => win.document.querySelector('meta[name="csrf-token"]')?.content || '';
  win.fetch = withCSRF(win.fetch.bind(win), token, win.location.origin);
}
