'use strict';
// The Observatory's core: REST helper, hash router, overview (status, stats, burst, healing, activity) and the
// SockJS event-bus bridge. The views live in board.js, detail.js and schedule.js; boot.js starts everything.
// Plain JavaScript, no build step, no inline script or handler anywhere (the page runs under script-src 'self').
(() => {
  const params = new URLSearchParams(location.search);
  if (params.get('token')) localStorage.setItem('maestro.token', params.get('token'));
  const token = localStorage.getItem('maestro.token');
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const FEED_MAX = 200;
  const SVG = 'http://www.w3.org/2000/svg';

  async function api(method, path, body) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(json.error ? `${json.error.code}: ${json.error.message}` : `HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return json;
  }

  // one-call-at-a-time-per-key debounce: a burst of updates triggers one reload, not one per message
  const timers = new Map();
  function debounce(key, ms, fn) {
    if (timers.has(key)) return;
    timers.set(key, setTimeout(() => { timers.delete(key); fn(); }, ms));
  }

  function button(label, icon, cls) {
    const b = el('button', cls);
    b.type = 'button';
    if (icon) b.append(Icons.make(icon));
    b.append(document.createTextNode(label));
    return b;
  }

  function when(iso) {
    if (!iso) return '–';
    return String(iso).replace('T', ' ').slice(0, 19) + ' UTC';
  }

  function age(seconds) {
    if (seconds == null) return '–';
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  // ---- confirm dialog (focus goes in, Escape says no, focus returns) ---------------------------------------
  function confirmDialog(text, yesLabel) {
    const box = $('confirm');
    const back = document.activeElement;
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = yesLabel || 'Confirm';
    box.hidden = false;
    $('confirm-no').focus();
    return new Promise((resolve) => {
      const done = (answer) => {
        box.hidden = true;
        $('confirm-yes').removeEventListener('click', yes);
        $('confirm-no').removeEventListener('click', no);
        box.removeEventListener('keydown', key);
        if (back && back.focus) back.focus();
        resolve(answer);
      };
      const yes = () => done(true);
      const no = () => done(false);
      const key = (e) => { if (e.key === 'Escape') done(false); trapTab(e, box); };
      $('confirm-yes').addEventListener('click', yes);
      $('confirm-no').addEventListener('click', no);
      box.addEventListener('keydown', key);
    });
  }

  function trapTab(e, box) {
    if (e.key !== 'Tab') return;
    const items = [...box.querySelectorAll('button, [href], input, select, video')].filter((x) => !x.disabled);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }

  // ---- router: #/ overview, #/jobs, #/jobs/GEN-…, #/schedule -------------------------------------------------
  const views = new Map(); // name -> {show(arg), hide()}
  let current = null;
  function route() {
    const hash = location.hash.replace(/^#\/?/, '');
    let name = 'overview', arg = null;
    if (/^jobs\/GEN-\d+$/.test(hash)) { name = 'job'; arg = hash.slice(5); }
    else if (hash.startsWith('jobs')) name = 'jobs';
    else if (hash.startsWith('schedule')) name = 'schedule';
    document.querySelectorAll('[data-view]').forEach((v) => { v.hidden = v.dataset.view !== name; });
    document.querySelectorAll('[data-nav]').forEach((a) => {
      const active = a.dataset.nav === name || (name === 'job' && a.dataset.nav === 'jobs');
      if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    const changed = current !== name;
    if (changed) window.scrollTo(0, 0);
    if (changed && current && views.get(current) && views.get(current).hide) views.get(current).hide();
    current = name;
    const view = views.get(name);
    if (view && view.show) view.show(arg, changed);
    document.title = 'Maestro Observatory · ' + (name === 'job' ? arg : name);
  }

  // ---- overview: status ---------------------------------------------------------------------------------------
  let status = null;
  async function loadStatus() {
    try {
      status = await api('GET', '/api/maestro/status');
    } catch (e) {
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    const pill = status.is_running ? 'LIVE'
      : (status.last_daily_run && String(status.last_daily_run).slice(0, 10) === today ? 'COMPLETE' : 'STANDBY');
    $('status-pill').textContent = pill;
    $('status-pill').className = 'pill ' + pill;
    $('paused-badge').hidden = !status.is_paused;
    $('phase').textContent = status.current_phase || 'idle';
    const d = status.daily_config || {};
    $('today-posts').textContent = `${d.today_posts ?? 0} / ${d.total_posts ?? 0}`;
    $('today-reels').textContent = `${d.today_reels ?? 0} / ${d.total_reels ?? 0}`;
    $('last-daily').textContent = status.last_daily_run_human || 'never';
    if (status.is_running) debounce('proposals', 0, loadProposals);
  }

  /** Seconds until the next daily_time (HH:MM) in time_zone, from the zone's wall clock now. */
  function secondsToNextBurst(dailyTime, zone) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(new Date()).map((p) => [p.type, p.value]));
    const now = (+parts.hour % 24) * 3600 + +parts.minute * 60 + +parts.second;
    const [h, m] = dailyTime.split(':').map(Number);
    let diff = h * 3600 + m * 60 - now;
    if (diff <= 0) diff += 86400;
    return diff;
  }

  function tickCountdown() {
    const d = status && status.daily_config;
    if (!d || !d.daily_time || !d.time_zone) return;
    try {
      const s = secondsToNextBurst(d.daily_time, d.time_zone);
      const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
      $('countdown').textContent = `${hh}h ${String(mm).padStart(2, '0')}m ${String(ss).padStart(2, '0')}s` +
        ` (${d.daily_time} ${d.time_zone})`;
    } catch (e) {
      $('countdown').textContent = `${d.daily_time} ${d.time_zone}`;
    }
  }

  async function pause(paused) {
    try {
      await api('POST', paused ? '/api/maestro/pause' : '/api/maestro/resume');
    } finally {
      loadStatus();
    }
  }

  // ---- overview: throughput and failures (from GET /api/observatory/stats) ---------------------------------------
  let lastStats = 0;
  async function loadStats() {
    let s;
    try { s = await api('GET', '/api/observatory/stats'); } catch (e) { return; }
    lastStats = Date.now();
    observatory.stats = s;
    $('queue-depth').textContent = s.queue_depth;
    $('generating').textContent = s.generating;
    $('active-jobs').textContent = (s.queue_depth || 0) + (s.generating || 0);
    $('oldest-pending').textContent = s.queue_depth ? age(s.oldest_pending_age_seconds) : 'none';
    const hours = s.hours || [];
    $('completed-24h').textContent = hours.reduce((n, h) => n + h.completed, 0);
    $('failed-24h').textContent = hours.reduce((n, h) => n + h.failed, 0);
    drawThroughput(hours);
    drawCategories((s.failures_today || []).map((c) => [c.category, c.count]));
  }
  /** Live refresh, at most every 2 s whatever the update rate. */
  function refreshStats() {
    debounce('stats', Math.max(0, 2000 - (Date.now() - lastStats)), loadStats);
  }

  function drawThroughput(hours) {
    const chart = $('throughput-chart');
    const W = 720, H = 180, left = 30, bottom = 20, top = 8;
    chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
    chart.replaceChildren();
    const max = Math.max(1, ...hours.map((h) => Math.max(h.completed, h.failed)));
    const slot = (W - left) / Math.max(1, hours.length);
    const y = (v) => H - bottom - (v / max) * (H - bottom - top);
    chart.append(svg('line', { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }));
    chart.append(svg('text', { x: 0, y: top + 8, class: 'tick' }, max));
    chart.append(svg('text', { x: 0, y: H - bottom, class: 'tick' }, 0));
    hours.forEach((h, i) => {
      const x = left + i * slot;
      const bw = Math.max(2, slot / 2 - 2);
      const g = svg('g', { 'data-hour': h.hour });
      g.append(svg('title', {}, `${h.hour.slice(11, 16)} UTC: ${h.completed} completed, ${h.failed} failed`));
      g.append(svg('rect', { x: x + 1, y: y(h.completed), width: bw, height: H - bottom - y(h.completed), class: 'ok' }));
      g.append(svg('rect', { x: x + 1 + bw, y: y(h.failed), width: bw, height: H - bottom - y(h.failed), class: 'bad' }));
      if (i % 4 === 0) g.append(svg('text', { x: x + 1, y: H - 5, class: 'tick' }, h.hour.slice(11, 16)));
      chart.append(g);
    });
  }

  function drawCategories(rows) {
    const chart = $('failure-chart');
    chart.replaceChildren();
    const max = Math.max(1, ...rows.map((r) => r[1]));
    const barH = 18;
    chart.setAttribute('viewBox', `0 0 400 ${Math.max(1, rows.length) * (barH + 4)}`);
    rows.forEach(([category, n], i) => {
      const yy = i * (barH + 4);
      chart.append(svg('rect', { x: 170, y: yy, height: barH, width: Math.max(2, (n / max) * 190), class: 'bad' }));
      chart.append(svg('text', { x: 0, y: yy + 13, 'data-category': category }, category));
      chart.append(svg('text', { x: 175 + (n / max) * 190, y: yy + 13 }, n));
    });
    if (!rows.length) {
      chart.setAttribute('viewBox', '0 0 400 22');
      chart.append(svg('text', { x: 0, y: 13 }, 'no failures today'));
    }
  }

  // ---- burst ------------------------------------------------------------------------------------------------
  let brands = [];
  async function loadBrands() {
    const r = await api('GET', '/api/brands');
    brands = r.brands || [];
    observatory.brands = brands;
    const box = $('burst-brands');
    box.querySelectorAll('label').forEach((l) => l.remove());
    brands.forEach((b, i) => {
      const label = el('label');
      const input = el('input');
      input.type = 'checkbox'; input.name = 'brand'; input.value = b.brand_id;
      input.checked = b.brand_id === 'healthycollege' || (i === 0 && !brands.some((x) => x.brand_id === 'healthycollege'));
      label.append(input, ' ' + (b.display_name || b.brand_id));
      box.append(label);
    });
    for (const fn of observatory.onBrands) fn(brands);
  }

  async function triggerBurst(event) {
    event.preventDefault();
    const posts = Number($('burst-posts').value || 0);
    const reels = Number($('burst-reels').value || 0);
    const chosen = [...document.querySelectorAll('#burst-brands input:checked')].map((i) => i.value);
    const out = $('burst-result');
    try {
      const r = await api('POST', '/api/maestro/trigger-burst', { posts, reels, brands: chosen });
      out.textContent = `${r.status}: ${r.message || ''}`;
    } catch (e) {
      out.textContent = e.message;
    }
    loadStatus();
    debounce('proposals', 1000, loadProposals);
  }

  async function loadProposals() {
    try {
      const r = await api('GET', '/api/maestro/proposals?limit=20');
      $('proposals').replaceChildren(...(r.proposals || []).map((p) => {
        const score = p.examiner_score == null ? '' : ` — examiner ${Number(p.examiner_score).toFixed(1)}`;
        const verdict = p.examiner_verdict ? ` ${p.examiner_verdict}` : '';
        const li = el('li', null, `${p.status} · ${p.agent_name} · ${p.brand} · ${p.title || ''}${score}${verdict}`);
        if (p.examiner_reason) li.title = p.examiner_reason;
        if (p.accepted_job_id) {
          const a = el('a', 'inline-link', 'open job');
          a.href = '#/jobs/' + p.accepted_job_id;
          li.append(' ', a);
        }
        return li;
      }));
    } catch (e) { /* the next status tick retries */ }
  }

  // ---- healing ----------------------------------------------------------------------------------------------
  async function loadHealing() {
    let r;
    try { r = await api('GET', '/api/maestro/healing'); } catch (e) { return; }
    const h = r.healing || {};
    $('healing-summary').textContent = `healed ${h.total_healed ?? 0}, healing failures ${h.total_healing_failures ?? 0}` +
      `, last run ${h.last_healing_at || 'never'}; ${r.total_failed ?? 0} failed in 24 h`;
    $('failed-jobs').replaceChildren(...(r.failed_jobs_24h || []).map((j) => {
      const li = el('li');
      const a = el('a', null, j.job_id);
      a.href = '#/jobs/' + j.job_id;
      li.append(a, ` ${j.brand || ''} — ${(j.diagnosis && j.diagnosis.category) || ''}: ` +
        `${j.error_snippet || ''} (retries ${j.retry_count ?? 0}) `);
      const b = button('Retry', 'refresh', 'small');
      b.setAttribute('aria-label', 'Retry ' + j.job_id);
      b.addEventListener('click', async () => {
        try { await api('POST', `/api/maestro/retry-job/${encodeURIComponent(j.job_id)}`); } catch (e) { li.title = e.message; }
        debounce('healing', 500, loadHealing);
      });
      li.append(b);
      return li;
    }));
    $('notifications').replaceChildren(...(h.recent_notifications || []).map((n) =>
      el('li', null, `${n.time || ''} ${n.job_id || ''} ${n.category || ''} → ${n.action || ''}: ${n.reason || ''}`)));
  }

  async function runHealing() {
    const out = $('healing-result');
    out.textContent = 'running…';
    try {
      const r = await api('POST', '/api/maestro/trigger-healing');
      out.textContent = r.status ? String(r.status) : 'done';
    } catch (e) {
      out.textContent = e.message;
    }
    loadHealing();
  }

  // ---- activity (the server's emoji field is not shown: a level icon carries the meaning) --------------------
  const feed = $('activity-feed');
  const seenActivity = new Set();
  const LEVEL_ICON = { error: 'alert', warn: 'alert', warning: 'alert', success: 'check' };
  function activityItem(a) {
    const level = a.level || 'info';
    const li = el('li', 'level-' + level);
    li.append(Icons.make(LEVEL_ICON[level] || 'activity'),
      ` ${(a.time || '').replace('T', ' ').slice(0, 19)} ${a.agent || ''} · ${a.action || ''} — ${a.detail || ''}`);
    li.dataset.id = a.id;
    return li;
  }
  function onActivity(a) {
    if (a.id != null && seenActivity.has(a.id)) return;
    if (a.id != null) seenActivity.add(a.id);
    feed.prepend(activityItem(a));
    while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
    // a proposal was made, examined or accepted: the activity entry is the live signal, so show it now
    if (a.agent === 'examiner' || a.action === 'Proposed' || a.action === 'Accepted') {
      debounce('proposals', 100, loadProposals);
    }
  }
  async function loadActivity() {
    try {
      const r = await api('GET', '/api/maestro/activity?limit=50');
      const list = r.activity || [];
      for (let i = list.length - 1; i >= 0; i--) onActivity(list[i]);
    } catch (e) { /* shown empty; the live feed still works */ }
  }

  // ---- the bridge -------------------------------------------------------------------------------------------
  const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
  const observatory = {
    listeners: [], jobListeners: [], onBrands: [], onConnect: [], connected: false, user: null, brands: [],
    cspViolations: [],
  };
  window.observatory = observatory;
  document.addEventListener('securitypolicyviolation', (e) => {
    observatory.cspViolations.push(`${e.violatedDirective} ${e.blockedURI || ''} ${e.sourceFile || ''}:${e.lineNumber || ''}`);
  });

  function onJobUpdate(update) {
    for (const l of observatory.jobListeners) l(update);
    refreshStats();
    if (update.status === 'failed') debounce('healing', 1000, loadHealing);
    if (TERMINAL.has(update.status)) debounce('status', 500, loadStatus);
    if (!update.status || update.status === 'pending') debounce('proposals', 500, loadProposals);
  }

  // when a token's exp passes the bridge sends an err frame with this code and closes the socket (close code 4401
  // too, where the transport carries one): reconnecting with the same token would only be refused, so the page says
  // so and stops (EventBusBridge.EXPIRED_CODE)
  const SESSION_EXPIRED = 4401;

  function connect(me) {
    const url = '/eventbus' + (token ? '?token=' + encodeURIComponent(token) : '');
    // ?transports=xhr-streaming,xhr-polling: for a network whose proxy breaks WebSocket, the SockJS transports to
    // use, in order (default: all of them, WebSocket first)
    const transports = (params.get('transports') || '').split(',').map((t) => t.trim()).filter(Boolean);
    const eb = new EventBus(url, transports.length ? { transports } : {});
    eb.enableReconnect(true);
    if (token) eb.defaultHeaders = { token };
    eb.onopen = () => {
      observatory.connected = true;
      $('banner').hidden = true;
      eb.registerHandler(me.addresses.jobs, (err, msg) => {
        if (err || !msg) return;
        const update = msg.body;
        for (const l of observatory.listeners) l(update);
        onJobUpdate(update);
      });
      eb.registerHandler(me.addresses.activity, (err, msg) => { if (!err && msg) onActivity(msg.body); });
      // whatever changed while the socket was down
      for (const fn of observatory.onConnect) fn();
      loadActivity();
      loadStatus();
      loadHealing();
      loadStats();
    };
    const expire = (reason) => {
      observatory.expired = true;
      eb.enableReconnect(false);
      clearTimeout(eb.reconnectTimerID);
      $('banner').textContent = reason || 'session expired, sign in again';
      $('banner').hidden = false;
    };
    eb.onclose = (e) => {
      observatory.connected = false;
      if (observatory.expired || (e && e.code === SESSION_EXPIRED)) {
        expire(observatory.expired ? $('banner').textContent : e.reason);
        return;
      }
      $('banner').textContent = 'reconnecting…';
      $('banner').hidden = false;
    };
    eb.onerror = (e) => {
      if (e && e.failureCode === SESSION_EXPIRED) expire(e.message);
      else console.warn('event bus', e);
    };
    observatory.eventBus = eb;
  }

  Object.assign(observatory, {
    api, el, $, debounce, button, when, age, svg, confirmDialog, trapTab, views, route, TERMINAL,
    loadStatus, loadProposals, loadHealing, loadStats, refreshStats, loadBrands, token,
    async start(onSignedIn) {
      Icons.fill(document);
      $('pause').addEventListener('click', () => pause(true));
      $('resume').addEventListener('click', () => pause(false));
      $('burst-form').addEventListener('submit', triggerBurst);
      $('run-healing').addEventListener('click', runHealing);
      window.addEventListener('hashchange', route);
      let me;
      try {
        me = await api('GET', '/api/me');
      } catch (e) {
        $('banner').textContent = e.status === 401
          ? 'not signed in: open this page with ?token=<access token>' : 'cannot reach Maestro: ' + e.message;
        $('banner').hidden = false;
        return;
      }
      observatory.user = me.user_id;
      $('user').textContent = me.user_id + (me.auth === 'local' ? ' (local)' : '');
      route();
      // the jobs view's first page is what people wait for: it goes out before anything else
      const first = onSignedIn ? onSignedIn() : null;
      await Promise.allSettled([loadBrands(), loadProposals()]);
      connect(me);
      setInterval(tickCountdown, 1000);
      setInterval(() => { if (observatory.connected) loadStatus(); }, 5000);
      // the oldest pending age grows without any event: a slow tick keeps it true
      setInterval(() => { if (observatory.connected) refreshStats(); }, 30000);
      setInterval(() => { if (observatory.connected && status && status.is_running) loadProposals(); }, 3000);
      await first;
      observatory.ready = true;
    },
  });
})();
