// The REST API: same origin, cookie session (sm_session). Every call returns { status, body }.

export async function request(method, url, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  let parsed = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
  }
  return { status: response.status, body: parsed };
}

/** The human-readable reason of a problem-details answer, or a fallback. */
export function reason(result, fallback) {
  const b = result && result.body;
  return (b && (b.detail || b.title)) || fallback;
}

export const api = {
  me: () => request('GET', '/api/auth/me'),
  login: (user, password) => request('POST', '/api/auth/login', { user, password }),
  logout: () => request('POST', '/api/auth/logout'),
  alerts: () => request('GET', '/api/alerts?pageSize=100'),
  evidence: (id) => request('GET', `/api/alerts/${encodeURIComponent(id)}/evidence`),
  acknowledge: (id, note) => request('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, { note }),
  resolve: (id, outcome, note) => request('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, { outcome, note }),
  events: (from, to) => request('GET', `/api/history/events?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&limit=10000`),
  windows: (device, from, to) => request('GET', `/api/history/windows?device=${encodeURIComponent(device)}&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`),
};
