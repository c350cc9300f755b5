'use strict';
// The schedule as a week calendar per brand (UTC, the slot plan's zone): a column per day, a row per slot hour.
// Each booked slot shows its item (thumbnail, title, state as the schedule row carries it). "Move" (or dragging)
// offers the free future slots of the same variant; choosing one calls the existing reschedule route.
(() => {
  const o = window.observatory;
  const { api, el, $, button } = o;
  const DAY = 86400e3;
  let brand = null;
  let weekStart = mondayOf(new Date());
  let data = null;
  let moving = null; // the item being moved
  let seq = 0;

  function mondayOf(d) {
    const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const dow = (new Date(midnight).getUTCDay() + 6) % 7; // Monday = 0
    return new Date(midnight - dow * DAY);
  }

  async function load() {
    if (!brand) return;
    const mine = ++seq;
    const from = weekStart.toISOString();
    const to = new Date(weekStart.getTime() + 7 * DAY).toISOString();
    try {
      const r = await api('GET', `/api/observatory/calendar?brand=${encodeURIComponent(brand)}` +
        `&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      if (mine !== seq) return;
      data = r;
      render();
    } catch (e) {
      $('calendar-status').textContent = 'could not load the calendar: ' + e.message;
    }
  }

  function fmtDay(d) {
    return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  }

  function render() {
    const days = [...Array(7)].map((_, i) => new Date(weekStart.getTime() + i * DAY));
    $('calendar-range').textContent = `${fmtDay(days[0])} – ${fmtDay(days[6])} (UTC)`;
    const slots = new Map(); // slot_at ISO (to the second) -> {variants[], item}
    const key = (iso) => new Date(iso).toISOString();
    for (const s of data.slots) {
      const k = key(s.slot_at);
      if (!slots.has(k)) slots.set(k, { at: k, variants: [], item: null });
      slots.get(k).variants.push(s.variant);
    }
    for (const item of data.items) {
      const k = key(item.slot_at);
      if (!slots.has(k)) slots.set(k, { at: k, variants: [], item: null }); // booked off-plan: still shown
      slots.get(k).item = item;
    }
    const hours = [...new Set([...slots.keys()].map((k) => k.slice(11, 16)))].sort();
    const grid = el('div', 'cal-grid');
    grid.setAttribute('role', 'table');
    grid.setAttribute('aria-label', `${brand} publishing week`);
    const headRow = el('div', 'cal-row cal-head');
    headRow.setAttribute('role', 'row');
    const corner = el('div', 'cal-time', 'UTC');
    corner.setAttribute('role', 'columnheader');
    headRow.append(corner);
    for (const d of days) {
      const h = el('div', 'cal-day', fmtDay(d));
      h.setAttribute('role', 'columnheader');
      headRow.append(h);
    }
    grid.append(headRow);
    const now = Date.now();
    for (const hour of hours) {
      const row = el('div', 'cal-row');
      row.setAttribute('role', 'row');
      const t = el('div', 'cal-time', hour);
      t.setAttribute('role', 'rowheader');
      row.append(t);
      for (const d of days) {
        const at = d.toISOString().slice(0, 11) + hour + ':00.000Z';
        const cell = el('div', 'cal-cell');
        cell.setAttribute('role', 'cell');
        const slot = slots.get(at);
        if (slot) cell.append(slotView(slot, new Date(at).getTime() > now));
        row.append(cell);
      }
      grid.append(row);
    }
    $('calendar').replaceChildren(grid);
    $('calendar-status').textContent = moving
      ? `Moving ${moving.job_id} (${moving.variant}): choose a free ${moving.variant} slot, or press Escape.`
      : `${data.items.length} item(s) scheduled this week for ${brand}.`;
  }

  function slotView(slot, future) {
    const box = el('div', 'slot');
    box.dataset.slotAt = slot.at;
    box.dataset.variants = slot.variants.join(' ');
    const item = slot.item;
    if (item) {
      box.classList.add('booked', 'state-' + item.status);
      box.dataset.itemId = item.id;
      box.dataset.jobId = item.job_id;
      const status = el('span', 'pill ' + item.status, item.status);
      const thumb = el('div', 'slot-thumb');
      if (item.thumbnail_url) {
        const img = el('img');
        img.src = item.thumbnail_url; img.alt = ''; img.loading = 'lazy';
        thumb.append(img);
      } else {
        thumb.append(Icons.make(item.content_type === 'post' ? 'image' : 'film'));
      }
      const link = el('a', 'slot-title', item.title || item.job_id);
      link.href = '#/jobs/' + item.job_id;
      const meta = el('span', 'muted', item.variant);
      box.append(thumb, el('div', 'slot-body'));
      box.lastChild.append(link, meta, status);
      if (future && item.status === 'scheduled') {
        const m = button(moving && moving.id === item.id ? 'Moving…' : 'Move', 'move', 'small');
        m.classList.add('slot-move');
        m.setAttribute('aria-label', `Move ${item.title || item.job_id}`);
        m.setAttribute('aria-pressed', String(!!(moving && moving.id === item.id)));
        m.addEventListener('click', () => startMove(item));
        box.lastChild.append(m);
        box.draggable = true;
        box.addEventListener('dragstart', (e) => {
          e.dataTransfer.setData('text/plain', String(item.id));
          moving = item;
          box.classList.add('dragging');
        });
        box.addEventListener('dragend', () => { if (moving === item) { moving = null; render(); } });
      }
      return box;
    }
    box.classList.add('free');
    if (!future) box.classList.add('past');
    box.append(el('span', 'muted', 'free · ' + slot.variants.join('/')));
    if (future && moving && slot.variants.includes(moving.variant)) {
      box.classList.add('target');
      const b = button('Move here', 'check', 'small slot-target');
      b.setAttribute('aria-label', `Move ${moving.job_id} to ${slot.at.slice(0, 16).replace('T', ' ')} UTC`);
      b.addEventListener('click', () => moveTo(slot.at));
      box.append(b);
    }
    if (future) {
      box.addEventListener('dragover', (e) => {
        if (moving && slot.variants.includes(moving.variant)) { e.preventDefault(); box.classList.add('over'); }
      });
      box.addEventListener('dragleave', () => box.classList.remove('over'));
      box.addEventListener('drop', (e) => { e.preventDefault(); moveTo(slot.at); });
    }
    return box;
  }

  function startMove(item) {
    moving = moving && moving.id === item.id ? null : item;
    render();
    const first = document.querySelector('#calendar .slot-target');
    if (first) first.focus();
  }

  async function moveTo(at) {
    const item = moving;
    moving = null;
    if (!item) return;
    try {
      await api('POST', `/api/schedule/${item.id}/reschedule`, { slot_at: at });
      await load();
      $('calendar-status').textContent = `Moved ${item.job_id} to ${at.slice(0, 16).replace('T', ' ')} UTC.`;
      const moved = document.querySelector(`#calendar .slot[data-item-id="${item.id}"] .slot-title`);
      if (moved) moved.focus();
    } catch (e) {
      render();
      $('calendar-status').textContent = 'move refused: ' + e.message;
    }
  }

  function wire() {
    $('calendar-brand').addEventListener('change', () => { brand = $('calendar-brand').value; moving = null; load(); });
    $('week-prev').addEventListener('click', () => { weekStart = new Date(weekStart.getTime() - 7 * DAY); load(); });
    $('week-next').addEventListener('click', () => { weekStart = new Date(weekStart.getTime() + 7 * DAY); load(); });
    $('week-now').addEventListener('click', () => { weekStart = mondayOf(new Date()); load(); });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && moving) { moving = null; render(); }
    });
  }
  wire();

  o.onBrands.push((brands) => {
    const select = $('calendar-brand');
    select.replaceChildren(...brands.map((b) => {
      const opt = el('option', null, b.display_name || b.brand_id);
      opt.value = b.brand_id;
      return opt;
    }));
    if (!brand || !brands.some((b) => b.brand_id === brand)) brand = brands.length ? brands[0].brand_id : null;
    select.value = brand || '';
    if (!$('view-schedule').hidden) load();
  });
  o.jobListeners.push((u) => {
    if (u.status === 'completed' && !$('view-schedule').hidden) o.debounce('calendar', 1500, load);
  });
  o.views.set('schedule', { show() { load(); } });
  o.calendar = { load, get weekStart() { return weekStart; } };
})();
