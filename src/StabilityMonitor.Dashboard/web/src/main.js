// The caregiver page: sign-in, the ward (tiles + alert feed, live over SignalR), an alert's evidence, a resident's history.
import * as signalR from '@microsoft/signalr';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { api, reason } from './api.js';
import { armSound, beep, setTitleCount } from './cues.js';
import { clearChart, eventsChart, evidenceChart, sparkline, swayChart, updateSparkline } from './charts.js';

const HUB = '/hubs/dashboard';
const SPARK_POINTS = 60;
const FEED_MAX = 200;
const RETRY_MS = 3000;
const KIND = { fall: 'Fall', near_fall: 'Near-fall', device_offline: 'Wearable offline', battery_low: 'Battery low', device_clock: 'Wearable clock wrong' };
const STATE = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };
const OUTCOME = { fall_confirmed: 'fall confirmed', near_fall_confirmed: 'near-fall confirmed', false_alarm: 'false alarm', device_issue: 'device issue', other: 'other', led_to_fall: 'led to a fall' };
const RANGES = { day: [86400, 3600], week: [7 * 86400, 86400], month: [30 * 86400, 86400] };

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'type') e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
};

const app = {
  me: null,
  connection: null,
  stopped: true,
  synced: false,
  residents: new Map(), // residentId -> { tile, el, sway[] }
  alerts: new Map(), // alertId -> { view, el }
  openedAlert: null,
  resolving: null,
  resident: null,
  range: 'day',
};

// ---------- views ----------

function show(view) {
  $('login-view').hidden = view !== 'login';
  $('ward-view').hidden = view !== 'ward';
  $('resident-view').hidden = view !== 'resident';
  const signedIn = view !== 'login';
  $('signout').hidden = !signedIn;
  $('conn').hidden = !signedIn;
  $('who').textContent = signedIn && app.me ? app.me.user : '';
  if (!signedIn) {
    $('facility').textContent = '';
    $('open-total').hidden = true;
  }
}

function showLogin(message) {
  show('login');
  $('login-error').textContent = message || '';
  $('login-password').value = '';
  setTitleCount(0);
  $('login-user').focus();
}

function toast(message) {
  const t = $('toast');
  t.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.textContent = ''; }, 6000);
}

// ---------- sign-in ----------

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const user = $('login-user').value.trim();
  const password = $('login-password').value;
  if (!user || !password) {
    $('login-error').textContent = 'Enter your user name and password.';
    return;
  }
  const button = e.submitter || $('login-form').querySelector('button');
  button.disabled = true;
  try {
    const result = await api.login(user, password);
    if (result.status === 200) {
      app.me = result.body;
      $('login-error').textContent = '';
      await startWard();
    } else {
      $('login-error').textContent = reason(result, 'Sign-in failed.');
    }
  } catch {
    $('login-error').textContent = 'The server cannot be reached.';
  } finally {
    button.disabled = false;
  }
});

$('signout').addEventListener('click', async () => {
  await stopWard();
  try {
    await api.logout();
  } catch {
    // signed out locally either way
  }
  app.me = null;
  showLogin('You are signed out.');
});

// ---------- connection ----------

function setConnection(stateName) {
  const c = $('conn');
  c.dataset.state = stateName;
  c.textContent = stateName === 'connected' ? 'Connected' : stateName === 'reconnecting' ? 'Reconnecting…' : 'Disconnected';
}

function buildConnection() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(HUB)
    .withAutomaticReconnect([0, 1000, 2000, 3000, 5000, 5000, 10000])
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('snapshot', onSnapshot);
  connection.on('residentState', onResidentState);
  connection.on('metrics', onMetrics);
  connection.on('alert', onAlert);
  connection.onreconnecting(() => setConnection('reconnecting'));
  connection.onreconnected(() => {
    setConnection('connected');
    sync();
  });
  connection.onclose(() => {
    if (!app.stopped) {
      // Automatic reconnect gave up (or the server closed): keep trying with a fixed pause.
      setConnection('disconnected');
      setTimeout(connectLoop, RETRY_MS);
    }
  });
  return connection;
}

async function connectLoop() {
  while (!app.stopped && app.connection && app.connection.state === signalR.HubConnectionState.Disconnected) {
    try {
      await app.connection.start();
      setConnection('connected');
      await sync();
      return;
    } catch {
      setConnection('disconnected');
      if (await sessionEnded()) {
        await stopWard();
        showLogin('Your session has ended. Please sign in again.');
        return;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

async function sessionEnded() {
  try {
    return (await api.me()).status === 401;
  } catch {
    return false; // the server is down, not the session
  }
}

async function sync() {
  try {
    const snapshot = await app.connection.invoke('Sync');
    if (snapshot) onSnapshot(snapshot);
  } catch {
    // the connection dropped again; its own reconnect will sync
  }
}

async function startWard() {
  app.stopped = false;
  show('ward');
  setConnection('disconnected');
  app.connection = buildConnection();
  await connectLoop();
}

async function stopWard() {
  app.stopped = true;
  const c = app.connection;
  app.connection = null;
  if (c) {
    try {
      await c.stop();
    } catch {
      // already stopped
    }
  }
  app.synced = false;
  app.residents.clear();
  app.alerts.clear();
  $('tiles').replaceChildren();
  $('feed').replaceChildren();
  closeDialog($('alert-dialog'));
  closeDialog($('resolve-dialog'));
}

// ---------- server messages ----------

function onSnapshot(snapshot) {
  $('facility').textContent = snapshot.facilityName || '';
  const seen = new Set();
  for (const tile of snapshot.residents || []) {
    seen.add(tile.residentId);
    upsertResident(tile);
  }
  for (const [id, r] of app.residents) {
    if (!seen.has(id)) {
      r.el.remove();
      app.residents.delete(id);
    }
  }
  $('residents-empty').hidden = app.residents.size > 0;
  let fresh = null;
  for (const alert of snapshot.alerts || []) {
    const known = app.alerts.has(alert.id);
    upsertAlert(alert);
    if (!known && app.synced && alert.state === 'open') fresh = alert; // raised while we were away
  }
  if (fresh) cueNewAlert(fresh);
  app.synced = true;
  refreshAll();
}

function onResidentState(state) {
  const r = app.residents.get(state.residentId);
  if (!r) return;
  r.tile = { ...r.tile, state, deviceId: state.deviceId };
  renderTile(r);
}

function onMetrics(batch) {
  for (const m of batch || []) {
    const r = app.residents.get(m.residentId);
    if (!r) continue;
    r.sway.push(m.swayRmsMg);
    if (r.sway.length > SPARK_POINTS) r.sway.splice(0, r.sway.length - SPARK_POINTS);
    r.lastSway = m.swayRmsMg;
    renderSway(r);
  }
}

function onAlert(change) {
  const view = change.alert;
  const prev = app.alerts.get(view.id);
  const r = view.residentId ? app.residents.get(view.residentId) : null;
  if (r) {
    const wasUnresolved = prev ? prev.view.state !== 'resolved' : false;
    const isUnresolved = view.state !== 'resolved';
    if (prev || change.action === 'raised') {
      r.tile = { ...r.tile, openAlerts: Math.max(0, (r.tile.openAlerts || 0) + (isUnresolved ? 1 : 0) - (wasUnresolved ? 1 : 0)) };
    }
  }
  upsertAlert(view);
  if (!prev && view.state === 'open') cueNewAlert(view);
  refreshAll();
  if (app.openedAlert === view.id) renderAlertDetails(view);
}

// ---------- tiles ----------

function upsertResident(tile) {
  let r = app.residents.get(tile.residentId);
  if (!r) {
    r = { tile, sway: [], lastSway: null, el: null };
    const name = el('button', { type: 'button', class: 'tile-name', text: tile.name });
    name.addEventListener('click', () => openResident(r.tile.residentId));
    r.el = el('li', { class: 'tile', 'data-resident-id': tile.residentId },
      el('div', { class: 'tile-head' }, name, el('span', { class: 'badge' })),
      el('div', { class: 'tile-room' }),
      el('div', { class: 'tile-status' }, el('span', { class: 'state-label' }), el('span', { class: 'online' }), el('span', { class: 'battery' })),
      el('div', { class: 'tile-sway' }, el('span', { class: 'sway-value' }), sparkline([])));
    app.residents.set(tile.residentId, r);
    insertSorted($('tiles'), r.el, (a, b) => compareTiles(a, b));
  }
  r.tile = tile;
  if (Array.isArray(tile.sway) && tile.sway.length) {
    r.sway = tile.sway.slice(-SPARK_POINTS);
    r.lastSway = r.sway[r.sway.length - 1];
  }
  r.el.querySelector('.tile-name').textContent = tile.name;
  renderTile(r);
}

function compareTiles(a, b) {
  const ra = app.residents.get(a.dataset.residentId)?.tile;
  const rb = app.residents.get(b.dataset.residentId)?.tile;
  return `${ra?.room ?? ''}`.localeCompare(`${rb?.room ?? ''}`, undefined, { numeric: true }) || `${ra?.name}`.localeCompare(`${rb?.name}`);
}

function insertSorted(list, node, compare) {
  const after = [...list.children].find((c) => c !== node && compare(node, c) < 0);
  list.insertBefore(node, after || null);
}

function tileLevel(r) {
  const id = r.tile.residentId;
  let alarm = false;
  for (const { view } of app.alerts.values()) {
    if (view.residentId === id && view.state === 'open' && (view.kind === 'fall' || view.kind === 'near_fall')) alarm = true;
  }
  if (alarm) return 'alarm';
  const s = r.tile.state;
  if ((r.tile.openAlerts || 0) > 0 || (s && !s.online) || (s && s.battery != null && s.battery < 0.2)) return 'attention';
  return 'ok';
}

function renderTile(r) {
  const t = r.tile;
  const level = tileLevel(r);
  r.el.dataset.state = level;
  r.el.querySelector('.tile-room').textContent = t.room ? `Room ${t.room}` : 'No room';
  r.el.querySelector('.state-label').textContent = level === 'alarm' ? 'Alarm' : level === 'attention' ? 'Attention' : 'OK';
  const s = t.state;
  const online = r.el.querySelector('.online');
  online.textContent = !t.deviceId ? 'No wearable' : !s ? 'Not seen yet' : s.online ? 'Online' : 'Offline';
  online.dataset.online = s ? String(s.online) : 'unknown';
  r.el.querySelector('.battery').textContent = s && s.battery != null ? `Battery ${Math.round(s.battery * 100)}%` : 'Battery –';
  const badge = r.el.querySelector('.badge');
  const open = t.openAlerts || 0;
  badge.textContent = `${open} open`;
  badge.dataset.count = String(open);
  renderSway(r);
}

function renderSway(r) {
  r.el.querySelector('.sway-value').textContent = r.lastSway != null ? `Sway ${r.lastSway.toFixed(1)} mg` : 'Sway –';
  updateSparkline(r.el.querySelector('svg.spark'), r.sway);
}

// ---------- alert feed ----------

function upsertAlert(view) {
  let a = app.alerts.get(view.id);
  if (!a) {
    const open = el('button', { type: 'button', class: 'alert-open' });
    open.addEventListener('click', () => openAlert(view.id));
    const ack = el('button', { type: 'button', class: 'ack', text: 'Acknowledge' });
    ack.addEventListener('click', () => acknowledge(view.id, ack));
    const resolve = el('button', { type: 'button', class: 'resolve', text: 'Resolve' });
    resolve.addEventListener('click', () => askResolve(view.id));
    a = {
      view,
      el: el('li', { class: 'alert', 'data-alert-id': view.id },
        el('div', { class: 'alert-main' }, open, el('span', { class: 'alert-meta' })),
        el('div', { class: 'alert-actions' }, ack, resolve)),
    };
    app.alerts.set(view.id, a);
    const feed = $('feed');
    insertSorted(feed, a.el, (x, y) => raisedAt(y) - raisedAt(x));
    while (feed.children.length > FEED_MAX) {
      const last = feed.lastElementChild;
      app.alerts.delete(last.dataset.alertId);
      last.remove();
    }
  }
  a.view = view;
  renderAlert(a);
}

function raisedAt(node) {
  const a = app.alerts.get(node.dataset.alertId);
  return a ? Date.parse(a.view.raisedAt) : 0;
}

function who(view) {
  const name = view.residentName || view.deviceId;
  return view.room ? `${name}, room ${view.room}` : name;
}

function renderAlert(a) {
  const v = a.view;
  a.el.dataset.alertState = v.state;
  a.el.dataset.kind = v.kind;
  a.el.querySelector('.alert-open').textContent = `${KIND[v.kind] || v.kind}: ${who(v)}`;
  let meta = `${new Date(v.raisedAt).toLocaleTimeString()} · ${STATE[v.state] || v.state} · ${v.severity}`;
  if (v.state === 'acknowledged' && v.acknowledgedBy) meta += ` by ${v.acknowledgedBy}`;
  if (v.state === 'resolved') meta += `${v.resolvedBy ? ` by ${v.resolvedBy}` : ''}${v.outcome ? ` (${OUTCOME[v.outcome] || v.outcome})` : ''}`;
  a.el.querySelector('.alert-meta').textContent = meta;
  a.el.querySelector('.ack').hidden = v.state !== 'open';
  a.el.querySelector('.resolve').hidden = v.state === 'resolved';
}

function cueNewAlert(view) {
  beep(view.kind === 'fall');
  const a = app.alerts.get(view.id);
  if (a) {
    a.el.classList.remove('flash');
    void a.el.offsetWidth; // restart the animation
    a.el.classList.add('flash');
  }
}

function refreshAll() {
  for (const r of app.residents.values()) renderTile(r);
  let open = 0;
  for (const { view } of app.alerts.values()) if (view.state === 'open') open++;
  setTitleCount(open);
  const total = $('open-total');
  total.hidden = open === 0;
  total.textContent = `${open} open alert${open === 1 ? '' : 's'}`;
  $('feed-empty').hidden = app.alerts.size > 0;
}

async function act(hubMethod, args, rest) {
  if (app.connection && app.connection.state === signalR.HubConnectionState.Connected) {
    return app.connection.invoke(hubMethod, ...args);
  }
  const result = await rest();
  if (result.status !== 200) throw new Error(reason(result, `The server answered ${result.status}.`));
  return result.body;
}

function actionError(e) {
  const message = (e && e.message) || 'The action failed.';
  return message.replace(/^An unexpected error occurred invoking '\w+' on the server\.\s*/, '').replace(/^.*HubException:\s*/, '');
}

async function acknowledge(id, button) {
  button.disabled = true;
  try {
    const view = await act('Acknowledge', [id, null], () => api.acknowledge(id, null));
    if (view) onAlert({ action: 'acknowledged', alert: view });
  } catch (e) {
    toast(`Could not acknowledge: ${actionError(e)}`);
  } finally {
    button.disabled = false;
  }
}

function askResolve(id) {
  const a = app.alerts.get(id);
  if (!a) return;
  app.resolving = id;
  $('resolve-what').textContent = `${KIND[a.view.kind] || a.view.kind}: ${who(a.view)}`;
  $('resolve-outcome').value = a.view.kind === 'fall' ? 'fall_confirmed' : a.view.kind === 'near_fall' ? 'near_fall_confirmed' : a.view.kind === 'device_offline' || a.view.kind === 'battery_low' || a.view.kind === 'device_clock' ? 'device_issue' : 'other';
  $('resolve-note').value = '';
  $('resolve-dialog').showModal();
  $('resolve-outcome').focus();
}

$('resolve-cancel').addEventListener('click', () => closeDialog($('resolve-dialog')));
$('resolve-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = app.resolving;
  const outcome = $('resolve-outcome').value;
  const note = $('resolve-note').value.trim() || null;
  closeDialog($('resolve-dialog'));
  if (!id) return;
  try {
    const view = await act('Resolve', [id, outcome, note], () => api.resolve(id, outcome, note));
    if (view) onAlert({ action: 'resolved', alert: view });
  } catch (err) {
    toast(`Could not resolve: ${actionError(err)}`);
  }
});

function closeDialog(d) {
  if (d.open) d.close();
}

// ---------- an opened alert ----------

$('alert-close').addEventListener('click', () => closeDialog($('alert-dialog')));
$('alert-dialog').addEventListener('close', () => {
  app.openedAlert = null;
  clearChart($('evidence-chart'));
});

function renderAlertDetails(v) {
  $('alert-title').textContent = `${KIND[v.kind] || v.kind}: ${who(v)}`;
  const rows = [
    ['State', STATE[v.state] || v.state],
    ['Severity', v.severity],
    ['Raised', new Date(v.raisedAt).toLocaleString()],
    ['Wearable', v.deviceId],
  ];
  if (v.acknowledgedAt) rows.push(['Acknowledged', `${new Date(v.acknowledgedAt).toLocaleString()}${v.acknowledgedBy ? ` by ${v.acknowledgedBy}` : ''}${v.acknowledgeNote ? `: ${v.acknowledgeNote}` : ''}`]);
  if (v.resolvedAt) rows.push(['Resolved', `${new Date(v.resolvedAt).toLocaleString()}${v.resolvedBy ? ` by ${v.resolvedBy}` : ''}${v.outcome ? ` (${OUTCOME[v.outcome] || v.outcome})` : ''}${v.resolveNote ? `: ${v.resolveNote}` : ''}`]);
  $('alert-details').replaceChildren(...rows.flatMap(([k, val]) => [el('dt', { text: k }), el('dd', { text: val })]));
}

async function openAlert(id) {
  const a = app.alerts.get(id);
  if (!a) return;
  app.openedAlert = id;
  renderAlertDetails(a.view);
  const status = $('evidence-status');
  status.textContent = 'Loading the trace…';
  const dialog = $('alert-dialog');
  dialog.dataset.openAlert = id;
  dialog.showModal();
  const chartEl = $('evidence-chart');
  clearChart(chartEl);
  try {
    const result = await api.evidence(id);
    if (app.openedAlert !== id) return;
    if (result.status === 200 && result.body) {
      status.textContent = `${result.body.x.length} samples at ${result.body.rateHz} Hz around the event (x, y, z and magnitude, in g).`;
      evidenceChart(chartEl, result.body);
    } else if (result.status === 404) {
      status.textContent = 'No evidence trace for this alert (yet).';
    } else {
      status.textContent = reason(result, `The trace could not be loaded (${result.status}).`);
    }
  } catch {
    status.textContent = 'The trace could not be loaded.';
  }
}

// ---------- a resident's history ----------

$('resident-back').addEventListener('click', () => {
  app.resident = null;
  clearChart($('events-chart'));
  clearChart($('windows-chart'));
  show('ward');
  const r = [...app.residents.values()][0];
  (r ? r.el.querySelector('.tile-name') : $('feed-title')).focus?.();
});

for (const b of document.querySelectorAll('.range')) {
  b.addEventListener('click', () => {
    app.range = b.dataset.range;
    for (const o of document.querySelectorAll('.range')) o.setAttribute('aria-pressed', String(o === b));
    loadHistory();
  });
}

function openResident(id) {
  const r = app.residents.get(id);
  if (!r) return;
  app.resident = id;
  $('resident-title').textContent = r.tile.name;
  $('resident-room').textContent = r.tile.room ? `Room ${r.tile.room}` : '';
  // The printable balance and mobility report (docs/balance.md), same sign-in cookie.
  $('resident-report').href = `/api/residents/${encodeURIComponent(id)}/progress/report`;
  $('resident-csv').href = `/api/residents/${encodeURIComponent(id)}/progress.csv`;
  show('resident');
  $('resident-back').focus();
  loadHistory();
}

async function loadHistory() {
  const r = app.residents.get(app.resident);
  if (!r) return;
  const [span, bin] = RANGES[app.range];
  const to = new Date();
  const from = new Date(to.getTime() - span * 1000);
  const device = r.tile.deviceId;
  const eventsStatus = $('events-status');
  const windowsStatus = $('windows-status');
  eventsStatus.textContent = 'Loading…';
  windowsStatus.textContent = 'Loading…';
  clearChart($('events-chart'));
  clearChart($('windows-chart'));
  $('events-list').replaceChildren();
  if (!device) {
    eventsStatus.textContent = 'No wearable is assigned to this resident.';
    windowsStatus.textContent = '';
    return;
  }
  const [events, windows] = await Promise.allSettled([api.events(from, to), api.windows(device, from, to)]);
  if (app.resident !== r.tile.residentId) return;

  if (events.status === 'fulfilled' && events.value.status === 200) {
    const body = events.value.body;
    const items = (body.items || []).filter((e) => e.deviceId === device && e.kind !== 'online' && e.kind !== 'offline');
    eventsStatus.textContent = `${items.length} event${items.length === 1 ? '' : 's'} (${body.source === 'memory' ? 'this server run only: InfluxDB is not configured or not readable' : 'from InfluxDB'}).${body.warning ? ` ${body.warning}` : ''}`;
    eventsChart($('events-chart'), items, from, to, bin);
    $('events-list').replaceChildren(...items.slice(0, 20).map((e) => el('li', { text: `${new Date(e.timeMicros / 1000).toLocaleString()}: ${e.kind.replace('_', ' ')}${e.severity ? ` (${e.severity})` : ''}` })));
  } else {
    eventsStatus.textContent = events.status === 'fulfilled' ? reason(events.value, `Events could not be loaded (${events.value.status}).`) : 'Events could not be loaded.';
  }

  if (windows.status === 'fulfilled' && windows.value.status === 200) {
    const items = windows.value.body.items || [];
    windowsStatus.textContent = items.length ? `${items.length} sway windows.` : 'No sway windows in this period.';
    if (items.length) swayChart($('windows-chart'), items);
  } else if (windows.status === 'fulfilled' && windows.value.status === 503) {
    windowsStatus.textContent = `Sway history is unavailable: the server has no readable InfluxDB (503). ${reason(windows.value, '')}`.trim();
  } else {
    windowsStatus.textContent = windows.status === 'fulfilled' ? reason(windows.value, `Sway history could not be loaded (${windows.value.status}).`) : 'Sway history could not be loaded.';
  }
}

// ---------- start ----------

armSound();
(async () => {
  try {
    const me = await api.me();
    if (me.status === 200) {
      app.me = me.body;
      await startWard();
      return;
    }
  } catch {
    // fall through to the sign-in form
  }
  showLogin();
})();
