'use strict';
// The jobs view (not named jobs.js: /jobs* is the authenticated REST prefix). One server page at a time (newest
// first, keyset cursor), counts per status from the server as tabs, filters and search, and bulk actions on a selection. Rows are keyed by job_id and reused across reloads,
// so a live update patches one row and a reload moves nodes instead of rebuilding them.
(() => {
  const o = window.observatory;
  const { api, el, $, debounce, button } = o;
  const PAGE = 50;
  const STATUSES = ['pending', 'generating', 'completed', 'failed', 'cancelled'];
  const filters = { status: '', brand: '', variant: '', category: '', q: '' };
  let cursors = [null]; // cursor of each page shown so far; the last one is the current page's
  let nextCursor = null;
  let counts = null;
  let seq = 0;
  const rows = new Map(); // job_id -> {job, el, refs, thumbsKey}
  const selected = new Set();
  const list = $('job-list');
  const template = $('job-row');
  const perf = { firstPageMs: null, lastFilter: null, renders: 0 };
  o.jobs = rows;
  o.jobsView = perf;

  function query(extra) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
    for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
    return p.toString();
  }

  // ---- rows -------------------------------------------------------------------------------------------------
  function makeRow(job) {
    const node = template.content.firstElementChild.cloneNode(true);
    Icons.fill(node);
    const q = (s) => node.querySelector(s);
    const entry = {
      job, el: node, thumbsKey: null,
      refs: {
        select: q('.job-select'), id: q('.job-id'), status: q('.job-status'), title: q('.job-title'),
        meta: q('.job-meta'), progress: q('.progress'), bar: q('.progress-bar'), step: q('.job-step'),
        error: q('.job-error'), code: q('.error-code'), category: q('.error-category'), message: q('.error-message'),
        outputs: q('.job-outputs'), retry: q('.job-retry'), cancel: q('.job-cancel'),
      },
    };
    node.dataset.jobId = job.job_id;
    entry.refs.id.textContent = job.job_id;
    entry.refs.id.href = '#/jobs/' + job.job_id;
    entry.refs.select.setAttribute('aria-label', 'select ' + job.job_id);
    entry.refs.retry.setAttribute('aria-label', 'Retry ' + job.job_id);
    entry.refs.cancel.setAttribute('aria-label', 'Cancel ' + job.job_id);
    entry.refs.progress.setAttribute('aria-label', 'progress of ' + job.job_id);
    entry.refs.select.addEventListener('change', () => {
      if (entry.refs.select.checked) selected.add(job.job_id); else selected.delete(job.job_id);
      renderSelection();
    });
    entry.refs.retry.addEventListener('click', () => single(entry, 'retry'));
    entry.refs.cancel.addEventListener('click', () => single(entry, 'cancel'));
    rows.set(job.job_id, entry);
    return entry;
  }

  function renderRow(entry) {
    const { job, refs, el: node } = entry;
    node.dataset.status = job.status;
    refs.status.textContent = job.status;
    refs.status.className = 'job-status pill ' + job.status;
    refs.title.textContent = job.title || '';
    const brands = Array.isArray(job.brands) ? job.brands.join(', ') : '';
    refs.meta.textContent = `${job.variant || ''} · ${brands} · ${o.when(job.created_at)}` +
      (job.attempt ? ` · attempt ${job.attempt}` : '');
    const pct = Math.max(0, Math.min(100, job.progress_percent || 0));
    refs.bar.style.width = pct + '%';
    refs.progress.setAttribute('aria-valuenow', String(pct));
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
    refs.select.checked = selected.has(job.job_id);
    if (job.thumbnails) renderThumbs(entry);
  }

  function renderThumbs(entry) {
    const thumbs = entry.job.thumbnails || {};
    const key = JSON.stringify(thumbs);
    if (key === entry.thumbsKey) return;
    entry.thumbsKey = key;
    const box = entry.refs.outputs;
    box.replaceChildren();
    const first = Object.entries(thumbs).find(([, url]) => url);
    if (!first) {
      box.append(Icons.make(entry.job.variant === 'post' ? 'image' : 'film'));
      return;
    }
    const [brand, url] = first;
    const img = el('img');
    img.loading = 'lazy'; img.decoding = 'async'; img.src = url;
    img.alt = `${brand}: ${entry.job.title || entry.job.job_id}`;
    img.dataset.brand = brand;
    box.append(img);
  }

  function show(jobs) {
    const keep = new Set(jobs.map((j) => j.job_id));
    for (const [id, entry] of rows) {
      if (!keep.has(id)) { entry.el.remove(); rows.delete(id); }
    }
    const fragment = document.createDocumentFragment();
    for (const job of jobs) {
      const entry = rows.get(job.job_id) || makeRow(job);
      Object.assign(entry.job, job);
      renderRow(entry);
      fragment.append(entry.el); // moves a reused node: Selenium/element references stay valid
    }
    list.append(fragment);
    $('job-empty').hidden = jobs.length > 0;
  }

  // ---- loading ----------------------------------------------------------------------------------------------
  async function load(reason) {
    const mine = ++seq;
    const cursor = cursors[cursors.length - 1];
    const [page, c] = await Promise.all([
      api('GET', '/api/observatory/jobs?' + query({ limit: String(PAGE), cursor })),
      api('GET', '/api/observatory/jobs/counts?' + query({ status: '' })),
    ]);
    if (mine !== seq) return; // a newer request is on its way: its answer wins
    counts = c;
    nextCursor = page.next_cursor;
    show(page.jobs || []);
    renderTabs();
    renderPager(page.jobs.length);
    renderSelection();
    perf.renders++;
    const now = performance.now();
    if (perf.firstPageMs == null && page.jobs.length) perf.firstPageMs = now;
    if (reason && reason.startedAt) perf.lastFilter = { what: reason.what, tookMs: now - reason.startedAt, rows: page.jobs.length };
  }

  function reload(reason) {
    load(reason).catch((e) => { $('bulk-result').textContent = 'could not load jobs: ' + e.message; });
  }

  function refilter(what) {
    cursors = [null];
    selected.clear();
    reload({ what, startedAt: performance.now() });
  }

  function renderTabs() {
    const box = $('status-tabs');
    if (!box.children.length) {
      for (const s of ['', ...STATUSES]) {
        const b = el('button', 'tab');
        b.type = 'button';
        b.dataset.status = s;
        b.append(el('span', 'tab-label', s || 'all'), ' ', el('span', 'tab-count'));
        b.addEventListener('click', () => {
          filters.status = s;
          refilter('status=' + (s || 'all'));
        });
        box.append(b);
      }
    }
    const by = (counts && counts.by_status) || {};
    for (const b of box.children) {
      const s = b.dataset.status;
      const n = s ? (by[s] ?? 0) : (counts ? counts.total : 0);
      b.querySelector('.tab-count').textContent = n.toLocaleString('en');
      b.setAttribute('aria-pressed', String(filters.status === s));
    }
    const total = filters.status ? (by[filters.status] ?? 0) : (counts ? counts.total : 0);
    $('job-count').textContent = `(${total.toLocaleString('en')})`;
    o.jobTotal = total;
  }

  function renderPager(shown) {
    const pageIndex = cursors.length - 1;
    const total = o.jobTotal || 0;
    const from = shown ? pageIndex * PAGE + 1 : 0;
    $('page-info').textContent = `${from.toLocaleString('en')}–${(pageIndex * PAGE + shown).toLocaleString('en')} of ${total.toLocaleString('en')}`;
    $('page-newer').disabled = pageIndex === 0;
    $('page-older').disabled = !nextCursor;
  }

  function renderSelection() {
    const n = selected.size;
    $('selection-count').textContent = `${n} selected`;
    for (const id of ['bulk-retry', 'bulk-cancel', 'bulk-delete']) $(id).disabled = n === 0;
    const onPage = [...rows.keys()];
    $('select-page').checked = onPage.length > 0 && onPage.every((id) => selected.has(id));
  }

  // ---- actions ----------------------------------------------------------------------------------------------
  async function single(entry, action) {
    const b = action === 'retry' ? entry.refs.retry : entry.refs.cancel;
    b.disabled = true;
    try {
      const r = action === 'retry'
        ? await api('POST', `/api/maestro/retry-job/${encodeURIComponent(entry.job.job_id)}`)
        : await api('POST', `/jobs/${encodeURIComponent(entry.job.job_id)}/cancel`);
      entry.refs.step.textContent = r.message || action + ' done';
    } catch (e) {
      entry.refs.step.textContent = action + ' refused: ' + e.message;
    } finally {
      b.disabled = false;
    }
  }

  const VERB = { retry: 'Retry', cancel: 'Cancel', delete: 'Delete' };
  async function bulk(action) {
    const ids = [...selected];
    if (!ids.length) return;
    const sure = await o.confirmDialog(`${VERB[action]} ${ids.length} selected job(s)?` +
      (action === 'delete' ? ' Deleted jobs cannot be restored.' : ''), `${VERB[action]} ${ids.length}`);
    if (!sure) return;
    const out = $('bulk-result');
    out.textContent = 'working…';
    try {
      let ok = 0, failed = 0;
      for (let i = 0; i < ids.length; i += 100) {
        const r = await api('POST', '/api/observatory/jobs/bulk', { action, job_ids: ids.slice(i, i + 100) });
        ok += r.succeeded; failed += r.failed;
      }
      out.textContent = `${action}: ${ok} done` + (failed ? `, ${failed} refused (wrong state or gone)` : '');
      selected.clear();
    } catch (e) {
      out.textContent = `${action} refused: ${e.message}`;
    }
    reload();
  }

  // ---- live updates -----------------------------------------------------------------------------------------
  let lastReload = 0;
  function throttledReload() {
    debounce('jobs-page', Math.max(250, 1000 - (Date.now() - lastReload)), () => { lastReload = Date.now(); reload(); });
  }
  o.jobListeners.push((update) => {
    const entry = rows.get(update.job_id);
    if (entry) {
      const statusChanged = update.status && update.status !== entry.job.status;
      for (const [k, v] of Object.entries(update)) if (v !== undefined) entry.job[k] = v;
      renderRow(entry);
      // a finished job's thumbnails and the counts come from REST
      if (statusChanged || o.TERMINAL.has(update.status)) throttledReload();
    } else if (cursors.length === 1) {
      throttledReload(); // a new job (or one newly matching the filter) belongs on the first page
    } else if (update.status) {
      debounce('jobs-counts', 1000, reload);
    }
  });
  o.onConnect.push(() => reload());

  o.onBrands.push((brands) => {
    const select = $('filter-brand');
    select.querySelectorAll('option[value]:not([value=""])').forEach((x) => x.remove());
    for (const b of brands) {
      const opt = el('option', null, b.display_name || b.brand_id);
      opt.value = b.brand_id;
      select.append(opt);
    }
  });

  // the variant filter lists the server's registry (GET /api/variants), so a new job kind needs no UI change
  async function loadVariants() {
    const r = await api('GET', '/api/variants');
    for (const v of r.variants || []) {
      const opt = el('option', null, v.label || v.variant);
      opt.value = v.variant;
      $('filter-variant').append(opt);
    }
  }

  async function loadCategories() {
    const c = await api('GET', '/api/observatory/jobs/counts');
    for (const cat of c.failure_categories || []) {
      const opt = el('option', null, cat);
      opt.value = cat;
      $('filter-category').append(opt);
    }
  }

  function wire() {
    let typing = null;
    $('job-search').addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => { filters.q = $('job-search').value.trim(); refilter('search'); }, 250);
    });
    $('job-filters').addEventListener('submit', (e) => {
      e.preventDefault();
      filters.q = $('job-search').value.trim();
      refilter('search');
    });
    for (const [id, key] of [['filter-brand', 'brand'], ['filter-variant', 'variant'], ['filter-category', 'category']]) {
      $(id).addEventListener('change', () => { filters[key] = $(id).value; refilter(key); });
    }
    $('filter-reset').addEventListener('click', () => {
      Object.keys(filters).forEach((k) => { filters[k] = ''; });
      $('job-search').value = '';
      ['filter-brand', 'filter-variant', 'filter-category'].forEach((id) => { $(id).value = ''; });
      refilter('clear');
    });
    $('page-older').addEventListener('click', () => {
      if (!nextCursor) return;
      cursors.push(nextCursor);
      window.scrollTo(0, 0);
      reload({ what: 'older', startedAt: performance.now() });
    });
    $('page-newer').addEventListener('click', () => {
      if (cursors.length > 1) cursors.pop();
      window.scrollTo(0, 0);
      reload({ what: 'newer', startedAt: performance.now() });
    });
    $('select-page').addEventListener('change', () => {
      const on = $('select-page').checked;
      for (const id of rows.keys()) if (on) selected.add(id); else selected.delete(id);
      for (const entry of rows.values()) entry.refs.select.checked = on;
      renderSelection();
    });
    $('bulk-retry').addEventListener('click', () => bulk('retry'));
    $('bulk-cancel').addEventListener('click', () => bulk('cancel'));
    $('bulk-delete').addEventListener('click', () => bulk('delete'));
  }

  o.views.set('jobs', {
    show(arg, changed) { if (changed && o.connected) reload(); },
  });
  o.jobsBoot = async () => {
    wire();
    renderTabs();
    reload();
    await Promise.allSettled([loadVariants(), loadCategories()]);
  };
})();
