'use strict';
// One job's page (#/jobs/GEN-…): every attempt with its folded stack trace, each brand's outputs at full size
// (image lightbox, slide carousel, the reel in a <video> player), the caption with a copy button, and the proposal
// and examiner verdict that produced the job. Live updates of this job re-read it (throttled).
(() => {
  const o = window.observatory;
  const { api, el, $, button, when } = o;
  const root = $('job-detail');
  let shown = null;
  let loading = 0;

  function section(title, icon) {
    const s = el('section', 'card');
    const h = el('h2');
    if (icon) h.append(Icons.make(icon));
    h.append(document.createTextNode(title));
    s.append(h);
    return s;
  }

  function facts(pairs) {
    const dl = el('dl', 'facts');
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      dl.append(el('dt', null, k), el('dd', null, v));
    }
    return dl;
  }

  async function copy(text, out) {
    try {
      await navigator.clipboard.writeText(text);
      out.textContent = 'copied';
    } catch (e) {
      // clipboard permission refused (or not a secure context): select the text so the user can copy it
      out.textContent = 'press Ctrl+C to copy';
    }
  }

  function lightbox(src, alt) {
    const box = $('lightbox');
    const back = document.activeElement;
    $('lightbox-img').src = src;
    $('lightbox-img').alt = alt;
    box.hidden = false;
    $('lightbox-close').focus();
    const close = () => {
      box.hidden = true;
      box.removeEventListener('keydown', key);
      $('lightbox-close').removeEventListener('click', close);
      box.removeEventListener('click', outside);
      if (back && back.focus) back.focus();
    };
    const key = (e) => { if (e.key === 'Escape') close(); o.trapTab(e, box); };
    const outside = (e) => { if (e.target === box) close(); };
    box.addEventListener('keydown', key);
    box.addEventListener('click', outside);
    $('lightbox-close').addEventListener('click', close);
  }

  function imageButton(src, alt) {
    const b = el('button', 'image-button');
    b.type = 'button';
    b.setAttribute('aria-label', 'open full size: ' + alt);
    const img = el('img', 'full');
    img.src = src; img.alt = alt; img.loading = 'lazy';
    b.append(img);
    b.addEventListener('click', () => lightbox(src, alt));
    return b;
  }

  function carousel(urls, brand) {
    const box = el('div', 'carousel');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-roledescription', 'carousel');
    box.setAttribute('aria-label', brand + ' slides');
    const stage = el('div', 'carousel-stage');
    const status = el('span', 'muted');
    status.setAttribute('aria-live', 'polite');
    const prev = button('Previous slide', 'chevron-left');
    const next = button('Next slide', 'chevron-right');
    let i = 0;
    const render = () => {
      stage.replaceChildren(imageButton(urls[i], `${brand} slide ${i + 1} of ${urls.length}`));
      status.textContent = `slide ${i + 1} / ${urls.length}`;
      prev.disabled = i === 0;
      next.disabled = i === urls.length - 1;
    };
    prev.addEventListener('click', () => { i = Math.max(0, i - 1); render(); });
    next.addEventListener('click', () => { i = Math.min(urls.length - 1, i + 1); render(); });
    box.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft') prev.click();
      if (e.key === 'ArrowRight') next.click();
    });
    const controls = el('div', 'carousel-controls');
    controls.append(prev, status, next);
    box.append(stage, controls);
    render();
    return box;
  }

  /** WebVTT captions from the caption text, as a blob URL (media-src allows blob:). */
  function captionsTrack(text) {
    const cue = (text || '').replace(/-->/g, '→').slice(0, 500) || 'no caption';
    const vtt = `WEBVTT\n\n00:00:00.000 --> 00:10:00.000\n${cue}\n`;
    const track = el('track');
    track.kind = 'captions'; track.srclang = 'en'; track.label = 'caption';
    track.src = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
    return track;
  }

  function outputCard(job, brand, out) {
    const card = el('article', 'output-card');
    card.dataset.brand = brand;
    const h = el('h3', null, brand);
    const pill = el('span', 'pill ' + (out.status || ''), out.status || '');
    if (out.status) h.append(' ', pill);
    card.append(h);
    const title = out.title || job.title;
    const video = out.video_url || out.video_path;
    const image = out.image_url || out.thumbnail_url || out.thumbnail_path;
    const slides = Array.isArray(out.slide_urls) ? out.slide_urls.filter(Boolean) : [];
    if (video) {
      const v = el('video', 'reel');
      v.controls = true; v.preload = 'metadata'; v.playsInline = true; v.src = video;
      v.setAttribute('aria-label', `${brand} reel: ${title}`);
      if (image) v.poster = image;
      v.append(captionsTrack(out.caption || job.caption || title));
      card.append(v);
    } else if (slides.length > 1) {
      card.append(carousel(slides, brand));
    } else if (image) {
      card.append(imageButton(image, `${brand}: ${title}`));
    } else {
      card.append(el('p', 'muted', out.error ? 'no output: ' + out.error : 'no media yet'));
    }
    const caption = out.caption || job.caption;
    if (caption) {
      const fig = el('figure', 'caption');
      const text = el('blockquote', 'caption-text', caption);
      const out2 = el('output', 'muted');
      const b = button('Copy caption', 'copy', 'small');
      b.addEventListener('click', () => copy(caption, out2));
      fig.append(text, b, out2);
      card.append(fig);
    }
    card.append(facts([
      ['title', out.title], ['scheduled', out.scheduled_time ? when(out.scheduled_time) : null],
      ['progress', out.progress_message], ['error', out.error], ['background', out.background],
    ]));
    return card;
  }

  function attemptsTable(attempts) {
    if (!attempts.length) return el('p', 'muted', 'no attempts yet');
    const table = el('table', 'attempts');
    const cap = el('caption', 'sr-only', 'attempts');
    const head = el('tr');
    for (const t of ['#', 'node', 'started', 'finished', 'outcome', 'code', 'category', 'message']) {
      const th = el('th', null, t);
      th.scope = 'col';
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    const body = el('tbody');
    for (const a of attempts) {
      const tr = el('tr', 'attempt');
      tr.dataset.attempt = a.attempt;
      for (const v of [a.attempt, a.node, when(a.started_at), when(a.finished_at), a.outcome, a.code ?? '', a.category ?? '']) {
        tr.append(el('td', null, v));
      }
      const msg = el('td', 'attempt-message', a.message || '');
      if (a.stack) {
        const d = el('details', 'stack');
        d.append(el('summary', null, 'stack trace'), el('pre', null, a.stack));
        msg.append(d);
      }
      tr.append(msg);
      body.append(tr);
    }
    table.append(cap, thead, body);
    const wrap = el('div', 'table-wrap');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', 'attempts table');
    wrap.append(table);
    return wrap;
  }

  function proposalCard(p) {
    const s = section('Proposal and examiner verdict', 'check');
    s.id = 'job-proposal';
    if (!p) {
      s.append(el('p', 'muted', 'created directly, not from a proposal'));
      return s;
    }
    const scores = p.examiner_scores && typeof p.examiner_scores === 'object'
      ? Object.entries(p.examiner_scores).map(([k, v]) => `${k} ${v}`).join(', ') : null;
    s.append(facts([
      ['proposal', p.proposal_id], ['agent', p.agent_name], ['strategy', p.strategy], ['status', p.status],
      ['examiner score', p.examiner_score == null ? null : Number(p.examiner_score).toFixed(2)],
      ['verdict', p.examiner_verdict], ['scores', scores], ['reason', p.examiner_reason],
      ['red flags', (p.examiner_red_flags || []).join(', ') || null], ['reasoning', p.reasoning],
      ['topic', p.topic_bucket], ['created', when(p.created_at)],
    ]));
    return s;
  }

  async function action(kind, job) {
    if (kind === 'delete' && !await o.confirmDialog(`Delete ${job.job_id}? It cannot be restored.`, 'Delete')) return;
    const path = kind === 'retry' ? `/api/maestro/retry-job/${job.job_id}`
      : kind === 'delete' ? `/jobs/${job.job_id}` : `/jobs/${job.job_id}/${kind}`;
    try {
      await api(kind === 'delete' ? 'DELETE' : 'POST', path);
      if (kind === 'delete') { location.hash = '#/jobs'; return; }
      load(job.job_id);
    } catch (e) {
      $('detail-result').textContent = `${kind} refused: ${e.message}`;
    }
  }

  function render(d) {
    const job = d.job;
    const head = el('section', 'card detail-head');
    const back = el('a', 'back');
    back.href = '#/jobs';
    back.append(Icons.make('back'), 'All jobs');
    const h = el('h1', 'view-title');
    h.id = 'detail-title';
    h.append(el('code', null, job.job_id), ' ', el('span', 'pill ' + job.status, job.status), ' ', el('span', null, job.title));
    const actions = el('div', 'detail-actions');
    if (job.status === 'failed') actions.append(button('Retry', 'refresh'));
    if (job.status === 'pending' || job.status === 'generating' || job.status === 'failed') actions.append(button('Cancel', 'x'));
    if (o.TERMINAL.has(job.status)) actions.append(button('Regenerate', 'refresh'));
    actions.append(button('Delete', 'trash', 'danger'));
    for (const b of actions.children) {
      const kind = b.textContent.toLowerCase();
      b.addEventListener('click', () => action(kind, job));
    }
    const result = el('output', 'muted');
    result.id = 'detail-result';
    const headFacts = facts([
      ['variant', job.variant], ['brands', (job.brands || []).join(', ')], ['step', job.current_step],
      ['progress', job.progress_percent + '%'], ['created', when(job.created_at)], ['started', when(job.started_at)],
      ['completed', when(job.completed_at)], ['attempt', job.attempt], ['retries', `${job.retry_count} of ${job.max_retries}`],
      ['healing', job.healing_state],
      ['error', job.error_message ? `${job.error_code} ${job.error_category}: ${job.error_message}` : null],
    ]);
    headFacts.classList.add('wide');
    head.append(back, h, actions, result, headFacts);

    const outputs = section('Outputs', 'image');
    outputs.id = 'job-outputs-full';
    const grid = el('div', 'outputs-grid');
    const entries = Object.entries(job.brand_outputs || {}).filter(([, v]) => v && typeof v === 'object');
    for (const [brand, out] of entries) grid.append(outputCard(job, brand, out));
    if (!entries.length) grid.append(el('p', 'muted', 'no outputs yet'));
    outputs.append(grid);

    const attempts = section('Attempts', 'clock');
    attempts.id = 'job-attempts';
    attempts.classList.add('detail-attempts');
    attempts.append(attemptsTable(d.attempts || []));

    const sched = section('Schedule', 'calendar');
    const ul = el('ul', 'list');
    for (const s of d.schedule || []) ul.append(el('li', null, `${s.brand} · ${when(s.slot_at)} · ${s.status}`));
    if (!ul.children.length) ul.append(el('li', 'muted', 'not scheduled'));
    sched.append(ul);

    const side = el('div', 'detail-side');
    side.append(proposalCard(d.proposal), sched);
    root.replaceChildren(head, outputs, side, attempts);
    root.dataset.jobId = job.job_id;
    root.dataset.status = job.status;
  }

  async function load(jobId) {
    const mine = ++loading;
    try {
      const d = await api('GET', '/api/observatory/jobs/' + encodeURIComponent(jobId));
      if (mine !== loading || shown !== jobId) return;
      render(d);
    } catch (e) {
      if (mine !== loading) return;
      const h = el('h1', 'view-title', e.status === 404 ? `${jobId} not found` : `could not load ${jobId}: ${e.message}`);
      h.id = 'detail-title';
      const back = el('a', 'back', 'All jobs');
      back.href = '#/jobs';
      const card = el('section', 'card');
      card.append(back, h);
      root.replaceChildren(card);
    }
  }

  o.jobListeners.push((u) => {
    if (shown && u.job_id === shown) o.debounce('detail', 500, () => load(shown));
  });
  o.views.set('job', {
    show(jobId) {
      const changed = shown !== jobId;
      shown = jobId;
      if (changed) root.replaceChildren(el('p', 'muted', 'loading ' + jobId + '…'));
      load(jobId);
      $('main').focus({ preventScroll: true });
    },
    hide() { shown = null; },
  });
})();
