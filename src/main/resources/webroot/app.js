'use strict';
// The Observatory: REST for reads and actions, the SockJS event-bus bridge for live updates. Plain JavaScript, no
// build step. Job rows are keyed by job_id and patched in place, so 1,000 listed jobs cost nothing per update.
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
  const JOB_PAGE = 200;
  const MAX_JOBS = 1000;
  const FEED_MAX = 200;

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

  // ---- jobs board -------------------------------------------------------------------------------------------
  const jobs = new Map(); // job_id -> {job, el, refs, outputsKey}
  const jobList = $('job-list');
  const rowTemplate = $('job-row');
  const pendingUpdates = new Map();
  let flushScheduled = false;

  function makeRow(job) {
    const node = rowTemplate.content.firstElementChild.cloneNode(true);
    const q = (s) => node.querySelector(s);
    const entry = {
      job, el: node, outputsKey: null,
      refs: {
        id: q('.job-id'), status: q('.job-status'), title: q('.job-title'), bar: q('.progress-bar'),
        step: q('.job-step'), error: q('.job-error'), code: q('.error-code'), category: q('.error-category'),
        message: q('.error-message'), outputs: q('.job-outputs'), attempts: q('.job-attempts'),
        retry: q('.job-retry'), cancel: q('.job-cancel'), toggle: q('.job-attempts-toggle'),
      },
    };
    node.dataset.jobId = job.job_id;
    entry.refs.id.textContent = job.job_id;
    entry.refs.retry.addEventListener('click', () => retry(entry));
    entry.refs.cancel.addEventListener('click', () => cancel(entry));
    entry.refs.toggle.addEventListener('click', () => toggleAttempts(entry));
    jobs.set(job.job_id, entry);
    renderRow(entry);
    return entry;
  }

  function renderRow(entry) {
    const { job, refs, el: node } = entry;
    node.dataset.status = job.status;
    refs.status.textContent = job.status;
    refs.status.className = 'job-status pill ' + job.status;
    refs.title.textContent = job.title || '';
    refs.bar.style.width = Math.max(0, Math.min(100, job.progress_percent || 0)) + '%';
    refs.step.textContent = job.current_step || '';
    const failed = job.status === 'failed' && (job.error_category || job.error_message);
    refs.error.hidden = !failed;
    if (failed) {
      refs.code.textContent = job.error_code == null ? '' : job.error_code;
      refs.category.textContent = job.error_category || 'unknown';
      refs.message.textContent = job.error_message || '';
    }
    refs.retry.hidden = job.status !== 'failed';
    refs.cancel.hidden = !(job.status === 'pending' || job.status === 'generating');
    if (job.brand_outputs) renderOutputs(entry);
  }

  function renderOutputs(entry) {
    const outputs = entry.job.brand_outputs || {};
    const key = JSON.stringify(outputs);
    if (key === entry.outputsKey) return;
    entry.outputsKey = key;
    const box = entry.refs.outputs;
    box.replaceChildren();
    for (const [brand, out] of Object.entries(outputs)) {
      if (!out || typeof out !== 'object') continue;
      const fig = el('figure', 'output');
      fig.dataset.brand = brand;
      const video = out.video_url || out.video_path;
      const image = out.image_url || out.thumbnail_url || out.thumbnail_path;
      if (video) {
        const v = el('video');
        v.controls = true; v.preload = 'metadata'; v.src = video;
        if (image) v.poster = image;
        fig.append(v);
      } else if (image) {
        const img = el('img');
        img.loading = 'lazy'; img.alt = `${brand}: ${out.title || ''}`; img.src = image;
        fig.append(img);
      }
      const caption = el('figcaption', null, brand + (out.error ? ` — ${out.error_category || 'error'}: ${out.error}` : ''));
      if (out.scheduled_time) caption.title = 'scheduled ' + out.scheduled_time;
      fig.append(caption);
      box.append(fig);
    }
  }

  function upsertJob(job, position) {
    const entry = jobs.get(job.job_id);
    if (entry) {
      Object.assign(entry.job, job);
      renderRow(entry);
      return entry;
    }
    const created = makeRow(job);
    if (position === 'top') jobList.prepend(created.el); else jobList.append(created.el);
    trimJobs();
    return created;
  }

  function trimJobs() {
    while (jobs.size > MAX_JOBS && jobList.lastElementChild) {
      const last = jobList.lastElementChild;
      jobs.delete(last.dataset.jobId);
      last.remove();
    }
    $('job-count').textContent = `(${jobs.size})`;
    let active = 0;
    for (const { job } of jobs.values()) if (job.status === 'pending' || job.status === 'generating') active++;
    $('active-jobs').textContent = active;
  }

  async function loadJobs() {
    const fresh = [];
    for (let offset = 0; offset < MAX_JOBS; offset += JOB_PAGE) {
      const page = await api('GET', `/jobs/?limit=${JOB_PAGE}&offset=${offset}`);
      const list = page.jobs || [];
      fresh.push(...list);
      if (list.length < JOB_PAGE) break;
    }
    const missing = [];
    const fragment = document.createDocumentFragment();
    const initial = jobs.size === 0;
    for (const job of fresh) {
      if (jobs.has(job.job_id)) upsertJob(job);
      else if (initial) fragment.append(makeRow(job).el);
      else missing.push(job);
    }
    if (initial) {
      jobList.append(fragment);
      observatory.firstLoadMs = performance.now();
    }
    // jobs created while the socket was down are the newest: they go on top, newest first
    for (let i = missing.length - 1; i >= 0; i--) upsertJob(missing[i], 'top');
    trimJobs();
  }

  async function fetchJob(jobId, position) {
    try {
      const job = await api('GET', `/jobs/${encodeURIComponent(jobId)}`);
      upsertJob(job, position);
    } catch (e) {
      if (e.status === 404) {
        const entry = jobs.get(jobId);
        if (entry) { entry.el.remove(); jobs.delete(jobId); trimJobs(); }
      }
    }
  }

  const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
  function onJobUpdate(update) {
    pendingUpdates.set(update.job_id, Object.assign(pendingUpdates.get(update.job_id) || {}, update));
    if (flushScheduled) return;
    flushScheduled = true;
    const flush = () => { flushScheduled = false; applyUpdates(); };
    if (document.hidden) setTimeout(flush, 50); else requestAnimationFrame(flush);
  }

  function applyUpdates() {
    const batch = [...pendingUpdates.values()];
    pendingUpdates.clear();
    let anyFailed = false;
    let anyCompleted = false;
    for (const update of batch) {
      const entry = jobs.get(update.job_id);
      if (!entry) {
        debounce('job:' + update.job_id, 0, () => fetchJob(update.job_id, 'top'));
        debounce('proposals', 500, loadProposals);
        continue;
      }
      const clean = {};
      for (const [k, v] of Object.entries(update)) if (v !== undefined) clean[k] = v;
      Object.assign(entry.job, clean);
      renderRow(entry);
      // live updates carry no brand outputs: a finished job's thumbnails, videos and errors come from REST
      if (TERMINAL.has(update.status)) debounce('job:' + update.job_id, 100, () => fetchJob(update.job_id));
      anyFailed ||= update.status === 'failed';
      anyCompleted ||= update.status === 'completed';
    }
    trimJobs();
    if (anyFailed) debounce('healing', 1000, loadHealing);
    if (anyCompleted) debounce('schedule', 1500, loadSchedule);
    if (anyFailed || anyCompleted) debounce('status', 500, loadStatus);
  }

  async function retry(entry) {
    entry.refs.retry.disabled = true;
    try {
      const r = await api('POST', `/api/maestro/retry-job/${encodeURIComponent(entry.job.job_id)}`);
      entry.refs.step.textContent = r.message || 'retry queued';
    } catch (e) {
      entry.refs.step.textContent = 'retry refused: ' + e.message;
    } finally {
      entry.refs.retry.disabled = false;
    }
  }

  async function cancel(entry) {
    try {
      await api('POST', `/jobs/${encodeURIComponent(entry.job.job_id)}/cancel`);
    } catch (e) {
      entry.refs.step.textContent = 'cancel refused: ' + e.message;
    }
  }

  async function toggleAttempts(entry) {
    const list = entry.refs.attempts;
    if (!list.hidden) { list.hidden = true; return; }
    try {
      const r = await api('GET', `/jobs/${encodeURIComponent(entry.job.job_id)}/attempts`);
      list.replaceChildren(...(r.attempts || []).map((a) => el('li', null,
        `#${a.attempt} ${a.outcome || 'running'} on ${a.node || '?'} ${a.started_at || ''}` +
        (a.category ? ` — ${a.code} ${a.category}: ${a.message || ''}` : ''))));
      if (!list.children.length) list.append(el('li', 'muted', 'no attempts yet'));
    } catch (e) {
      list.replaceChildren(el('li', null, e.message));
    }
    list.hidden = false;
  }

  // ---- overview ---------------------------------------------------------------------------------------------
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

  // ---- burst ------------------------------------------------------------------------------------------------
  async function loadBrands() {
    const r = await api('GET', '/api/brands');
    const box = $('burst-brands');
    box.querySelectorAll('label').forEach((l) => l.remove());
    (r.brands || []).forEach((b, i) => {
      const label = el('label');
      const input = el('input');
      input.type = 'checkbox'; input.name = 'brand'; input.value = b.brand_id;
      input.checked = b.brand_id === 'healthycollege' || (i === 0 && !r.brands.some((x) => x.brand_id === 'healthycollege'));
      label.append(input, ' ' + (b.display_name || b.brand_id));
      box.append(label);
    });
  }

  async function triggerBurst(event) {
    event.preventDefault();
    const posts = Number($('burst-posts').value || 0);
    const reels = Number($('burst-reels').value || 0);
    const brands = [...document.querySelectorAll('#burst-brands input:checked')].map((i) => i.value);
    const out = $('burst-result');
    try {
      const r = await api('POST', '/api/maestro/trigger-burst', { posts, reels, brands });
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
    const counts = new Map();
    for (const j of r.failed_jobs_24h || []) {
      const c = (j.diagnosis && j.diagnosis.category) || 'unknown';
      counts.set(c, (counts.get(c) || 0) + 1);
    }
    drawChart([...counts.entries()].sort((a, b) => b[1] - a[1]));
    $('failed-jobs').replaceChildren(...(r.failed_jobs_24h || []).map((j) => {
      const li = el('li', null, `${j.job_id} ${j.brand || ''} — ${(j.diagnosis && j.diagnosis.category) || ''}: ` +
        `${j.error_snippet || ''} (retries ${j.retry_count ?? 0}) `);
      const b = el('button', null, 'Retry');
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

  function drawChart(rows) {
    const svg = $('failure-chart');
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    const max = Math.max(1, ...rows.map((r) => r[1]));
    const barH = 18;
    svg.setAttribute('viewBox', `0 0 400 ${Math.max(1, rows.length) * (barH + 4)}`);
    rows.forEach(([category, n], i) => {
      const y = i * (barH + 4);
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', '150'); rect.setAttribute('y', String(y));
      rect.setAttribute('height', String(barH)); rect.setAttribute('width', String(Math.max(2, (n / max) * 220)));
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', '0'); label.setAttribute('y', String(y + 13));
      label.textContent = category;
      label.setAttribute('data-category', category);
      const value = document.createElementNS(ns, 'text');
      value.setAttribute('x', String(155 + (n / max) * 220)); value.setAttribute('y', String(y + 13));
      value.textContent = String(n);
      svg.append(rect, label, value);
    });
    if (!rows.length) {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', '0'); t.setAttribute('y', '13'); t.textContent = 'no failures';
      svg.setAttribute('viewBox', '0 0 400 22');
      svg.append(t);
    }
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

  // ---- activity ---------------------------------------------------------------------------------------------
  const feed = $('activity-feed');
  const seenActivity = new Set();
  function activityItem(a) {
    const li = el('li', 'level-' + (a.level || 'info'),
      `${(a.time || '').replace('T', ' ').slice(0, 19)} ${a.emoji || ''} ${a.agent || ''} · ${a.action || ''} — ${a.detail || ''}`);
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

  // ---- schedule ---------------------------------------------------------------------------------------------
  async function loadSchedule() {
    const from = new Date();
    const to = new Date(from.getTime() + 7 * 86400e3);
    let r;
    try {
      r = await api('GET', `/api/schedule?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&limit=500`);
    } catch (e) { return; }
    const byBrand = new Map();
    for (const item of r.items || []) {
      if (!byBrand.has(item.brand)) byBrand.set(item.brand, []);
      byBrand.get(item.brand).push(item);
    }
    const grid = $('schedule-grid');
    grid.replaceChildren();
    if (!byBrand.size) grid.append(el('p', 'muted', 'nothing scheduled in the next 7 days'));
    for (const [brand, items] of byBrand) {
      const block = el('div', 'schedule-brand');
      block.append(el('strong', null, brand));
      const ol = el('ol');
      items.sort((a, b) => a.slot_at.localeCompare(b.slot_at)).forEach((i) => ol.append(el('li', null,
        `${i.slot_at.replace('T', ' ').slice(0, 16)} UTC · ${i.content_type}${i.variant ? ' ' + i.variant : ''} · ` +
        `${i.status} · ${i.title || i.job_id || ''}`)));
      block.append(ol);
      grid.append(block);
    }
  }

  // ---- the bridge -------------------------------------------------------------------------------------------
  const observatory = { listeners: [], connected: false, jobs, user: null };
  window.observatory = observatory;

  function connect(me) {
    const url = '/eventbus' + (token ? '?token=' + encodeURIComponent(token) : '');
    const eb = new EventBus(url);
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
      loadJobs().catch(() => {});
      loadActivity();
      loadStatus();
      loadHealing();
    };
    eb.onclose = () => {
      observatory.connected = false;
      $('banner').hidden = false;
    };
    eb.onerror = (e) => console.warn('event bus', e);
    observatory.eventBus = eb;
  }

  async function boot() {
    $('pause').addEventListener('click', () => pause(true));
    $('resume').addEventListener('click', () => pause(false));
    $('burst-form').addEventListener('submit', triggerBurst);
    $('run-healing').addEventListener('click', runHealing);
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
    await Promise.allSettled([loadBrands(), loadSchedule(), loadProposals()]);
    connect(me);
    setInterval(tickCountdown, 1000);
    setInterval(() => { if (observatory.connected) loadStatus(); }, 5000);
    setInterval(() => { if (observatory.connected) loadSchedule(); }, 60000);
    setInterval(() => { if (observatory.connected && status && status.is_running) loadProposals(); }, 3000);
    observatory.ready = true;
  }

  boot();
})();
