// CaptureChain web UI: the review page, the batch dashboard and the admin page. Plain JavaScript on the JSON API;
// every text from the server is inserted as text (never as HTML). Writes carry the antiforgery token header.
'use strict';

const S = { session: null, timers: [] };

// ------------------------------------------------------------------ plumbing

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else if (k === 'style') e.style.cssText = v; // CSSOM: allowed by the CSP, unlike a style attribute
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(method, url, body) {
  const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    options.headers[S.session.csrf_header] = S.session.csrf_token;
    if (body !== undefined) { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body); }
  }
  const response = await fetch(url, options);
  if (response.status === 401) {
    location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search);
    throw new Error('Session expirée');
  }
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const error = new Error((data && data.message) || ('Erreur ' + response.status));
    error.status = response.status; error.code = data && data.error;
    throw error;
  }
  return data;
}

function flash(text, ok) {
  const box = document.getElementById('flash');
  box.replaceChildren(el('div', { class: 'msg ' + (ok ? 'ok' : 'bad'), id: ok ? 'flash-ok' : 'flash-error' }, text));
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => box.replaceChildren(), ok ? 4000 : 8000);
}

function pct(p) { return p === null || p === undefined ? '—' : (p * 100).toFixed(1).replace('.', ',') + ' %'; }
function when(iso) { return iso ? new Date(iso).toLocaleString('fr-FR') : '—'; }
function every(ms, fn) { S.timers.push(setInterval(fn, ms)); }
function stopTimers() { S.timers.forEach(clearInterval); S.timers = []; }
function inField(target) { return target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA'); }
function digit(e) {
  // AZERTY keyboards give digits with Shift: read the physical key as well as the character.
  const m = /^(?:Digit|Numpad)([0-9])$/.exec(e.code || '');
  if (m) return Number(m[1]);
  return /^[0-9]$/.test(e.key) ? Number(e.key) : null;
}
function go(path) { history.pushState(null, '', path); route(); }

// ------------------------------------------------------------------ start

async function start() {
  S.session = await api('GET', '/api/session');
  document.getElementById('logout-csrf').value = S.session.csrf_token;
  document.getElementById('who').textContent = S.session.user + ' (' + ({ operator: 'opérateur', reviewer: 'gestionnaire', admin: 'administrateur' }[S.session.role] || S.session.role) + ')';
  const nav = document.getElementById('nav');
  const links = [];
  if (S.session.can_review) links.push(['/review', 'Revue']);
  if (S.session.can_operate) links.push(['/batches', 'Lots']);
  if (S.session.can_administer) links.push(['/admin', 'Administration']);
  nav.replaceChildren(...links.map(([href, text]) => el('a', { href, 'data-nav': href, onclick: e => { e.preventDefault(); go(href); } }, text)));
  window.addEventListener('popstate', route);
  document.addEventListener('keydown', onKey);
  route();
}

function route() {
  stopTimers();
  Review.active = false;
  const path = location.pathname;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('current', path.startsWith(a.dataset.nav)));
  let m;
  if ((m = /^\/review(?:\/([^/]+))?$/.exec(path))) return Review.show(m[1] ? decodeURIComponent(m[1]) : null);
  if ((m = /^\/batches(?:\/([^/]+))?$/.exec(path))) return m[1] ? Batches.detail(m[1]) : Batches.list();
  if (path === '/admin') return Admin.show();
  location.href = S.session.home;
}

function onKey(e) {
  if (Review.active) Review.onKey(e);
}

// ------------------------------------------------------------------ review

const Review = {
  active: false, queue: [], item: null, page: 1, zoom: 0, busy: false, chooser: null, modal: null,
  filters: { batch: '', reason: '', type: '', sort: 'oldest' },
  selection: { type: null, beneficiary: null },
  zooms: [{ w: '100%', dpi: 110 }, { w: '140%', dpi: 160 }, { w: '200%', dpi: 220 }, { w: '280%', dpi: 220 }],

  async show(id) {
    this.active = true;
    const app = document.getElementById('app');
    this.root = el('div', { class: 'review', id: 'review' });
    app.replaceChildren(this.root);
    this.queueBox = el('section', { class: 'queue', 'aria-label': 'File de revue' });
    this.viewBox = el('section', { class: 'viewer', 'aria-label': 'Pages du document' });
    this.sideBox = el('section', { class: 'decision', 'aria-label': 'Décision' });
    this.root.append(this.queueBox, this.viewBox, this.sideBox);
    await this.loadQueue();
    const target = id || (this.queue[0] && this.queue[0].id);
    if (target) await this.open(target, !id); else this.empty();
  },

  empty() {
    this.item = null;
    this.viewBox.replaceChildren(el('p', { class: 'muted', style: 'padding:20px' }, 'Aucun document en attente de revue.'));
    this.sideBox.replaceChildren(el('p', { class: 'muted' }, 'La file est vide.'));
  },

  async loadQueue() {
    const f = this.filters;
    const q = new URLSearchParams({ sort: f.sort });
    if (f.batch) q.set('batch', f.batch);
    if (f.reason) q.set('reason', f.reason);
    if (f.type) q.set('type', f.type);
    const [data, facets] = await Promise.all([api('GET', '/api/review/items?' + q), api('GET', '/api/review/facets')]);
    this.queue = data.items;
    this.renderQueue(facets);
  },

  renderQueue(facets) {
    const f = this.filters;
    const select = (label, key, options) => el('label', {}, label, el('select', {
      'data-filter': key, onchange: async e => { f[key] = e.target.value; await this.loadQueue(); if (this.queue[0]) this.open(this.queue[0].id, true); else this.empty(); },
    }, options.map(([v, t]) => el('option', { value: v, selected: f[key] === v }, t))));
    const filters = el('div', { class: 'filters' },
      el('strong', {}, 'À traiter : ', String(facets.open)),
      select('Lot', 'batch', [['', 'Tous les lots'], ...facets.batches.map(b => [b.batch, b.batch.slice(0, 8) + '… (' + b.count + ')'])]),
      select('Motif', 'reason', [['', 'Tous les motifs'], ...facets.reasons.map(r => [r.code, r.code + ' (' + r.count + ')'])]),
      select('Type prédit', 'type', [['', 'Tous les types'], ...facets.types.map(t => [t.slug, t.label + ' (' + t.count + ')'])]),
      select('Ordre', 'sort', [['oldest', 'Plus ancien d\'abord'], ['urgent', 'Plus urgent d\'abord']]));
    const list = el('ol', { id: 'queue-list' }, this.queue.map(it => el('li', {}, el('button', {
      class: this.item && this.item.id === it.id ? 'current' : '', 'data-item': it.id, onclick: () => this.open(it.id, false),
    }, el('div', { class: 't' }, it.type_label, ' ', el('span', { class: 'muted' }, pct(it.type_confidence))),
      el('div', { class: 'r' }, it.reasons.map(r => r.code).join(', ')),
      el('div', { class: 'd' }, it.source + ' p. ' + it.first_page + '-' + it.last_page + ' · ' + when(it.created_at))))));
    this.queueBox.replaceChildren(filters, list);
  },

  async open(id, replace) {
    const path = '/review/' + encodeURIComponent(id);
    if (location.pathname !== path) (replace ? history.replaceState : history.pushState).call(history, null, '', path);
    this.chooser = null; this.modal = null;
    let item;
    try { item = await api('GET', '/api/review/items/' + encodeURIComponent(id)); }
    catch (e) { flash(e.message, false); return; }
    this.item = item; this.page = 1; this.zoom = 0;
    const suggested = item.candidates.find(c => c.suggested) || null;
    this.selection = { type: item.suggestion.document_type, beneficiary: suggested };
    this.queueBox.querySelectorAll('button[data-item]').forEach(b => b.classList.toggle('current', b.dataset.item === id));
    this.render();
  },

  render() {
    const it = this.item;
    if (!it.open) {
      this.viewBox.replaceChildren(el('p', { class: 'muted', style: 'padding:20px' }, 'Cet élément a été traité' + (it.closed_by ? ' par ' + it.closed_by : '') + '.'));
      this.sideBox.replaceChildren(el('button', { onclick: () => this.next(1) }, 'Élément suivant ', el('kbd', {}, 'N')));
      return;
    }
    this.renderViewer();
    this.renderSide();
  },

  renderViewer() {
    const it = this.item, n = it.document.page_count, z = this.zooms[this.zoom];
    const img = el('img', {
      id: 'page-image', alt: 'Page ' + this.page + ' sur ' + n, style: 'width:' + z.w,
      src: '/api/review/items/' + encodeURIComponent(it.id) + '/pages/' + this.page + '?dpi=' + z.dpi,
    });
    const bar = el('div', { class: 'bar' },
      el('button', { onclick: () => this.turn(-1), disabled: this.page <= 1, title: 'Page précédente (←)' }, '◀'),
      el('span', { id: 'page-indicator' }, 'Page ' + this.page + ' / ' + n),
      el('button', { onclick: () => this.turn(1), disabled: this.page >= n, title: 'Page suivante (→)' }, '▶'),
      el('button', { onclick: () => this.setZoom(this.zoom - 1), title: 'Zoom arrière (-)' }, '−'),
      el('button', { onclick: () => this.setZoom(this.zoom + 1), title: 'Zoom avant (+)' }, '+'),
      el('button', { onclick: () => this.setZoom(0), title: 'Pleine largeur (0)' }, 'Ajuster'),
      el('span', { class: 'muted' }, it.document.source + ' · pages ' + it.document.first_page + '–' + it.document.last_page));
    const thumbs = el('div', { class: 'thumbs' }, it.pages.map(p => el('button', {
      class: p.number === this.page ? 'current' : '', onclick: () => { this.page = p.number; this.renderViewer(); },
      title: p.source_page ? 'page ' + p.source_page + ' du fichier' + (p.problem ? ' — ' + p.problem : '') : '',
    }, String(p.number))));
    this.viewBox.replaceChildren(bar, el('div', { class: 'pagebox' }, img), thumbs);
  },

  renderSide() {
    const it = this.item, sel = this.selection;
    const reasons = el('ul', { class: 'reasons', id: 'reasons' }, it.reasons.map(r => el('li', {}, r.explanation, ' ', el('code', {}, r.code))));

    const top = it.prediction.top3.length ? it.prediction.top3 : (it.suggestion.document_type ? [{ document_type: it.suggestion.document_type, label: it.document.type_label, probability: it.prediction.confidence }] : []);
    const types = el('div', { class: 'choices', id: 'type-choices' }, top.map((t, i) => el('button', {
      class: 'choice' + (sel.type === t.document_type ? ' selected' : ''), 'data-type': t.document_type, onclick: () => this.pickType(t.document_type),
    }, el('kbd', {}, String(i + 1)), t.label, el('span', { class: 'p' }, pct(t.probability)))));
    if (sel.type && !top.some(t => t.document_type === sel.type))
      types.append(el('div', { class: 'choice selected', 'data-type': sel.type }, el('kbd', {}, 'T'), this.typeLabel(sel.type)));
    types.append(el('button', { class: 'link', onclick: () => this.openTypeChooser() }, 'Autre type… ', el('kbd', {}, 'T')));

    const cands = el('div', { class: 'choices', id: 'candidates' }, it.candidates.map(c => this.candidateButton(c)));
    if (sel.beneficiary && !it.candidates.some(c => this.same(c, sel.beneficiary))) cands.append(this.candidateButton(sel.beneficiary));
    if (!it.candidates.length && !sel.beneficiary) cands.append(el('p', { class: 'muted' }, 'Aucun candidat : cherchez le bénéficiaire.'));
    if (it.candidates.length > 1) cands.append(el('div', { class: 'muted' }, el('kbd', {}, 'C'), ' candidat suivant'));
    cands.append(el('button', { class: 'link', onclick: () => this.openSearch() }, 'Chercher un bénéficiaire (nom, NIR, n° de dossier, date de naissance)… ', el('kbd', {}, 'B')));

    const ready = sel.type && sel.beneficiary;
    const summary = el('div', { class: 'selection', id: 'selection' }, ready
      ? ['Classer comme ', el('strong', {}, this.typeLabel(sel.type)), ' dans le dossier ', el('strong', {}, sel.beneficiary.case_number), ' (', sel.beneficiary.last_name, ' ', sel.beneficiary.first_name, ')']
      : 'Choisissez ' + (!sel.type ? 'le type' : 'le bénéficiaire') + ' avant de classer.');
    const actions = el('div', { class: 'actions' },
      el('button', { class: 'primary', id: 'confirm', disabled: !ready || this.busy, onclick: () => this.confirm() }, 'Classer ', el('kbd', {}, 'Entrée')),
      el('button', { onclick: () => this.split(), disabled: !it.can_edit || it.document.page_count < 2 || this.page < 2 || this.busy }, 'Découper avant cette page ', el('kbd', {}, 'S')),
      el('button', { onclick: () => this.merge(), disabled: !it.can_merge_previous || this.busy }, 'Fusionner avec le précédent ', el('kbd', {}, 'M')),
      el('button', { onclick: () => this.rotate(), disabled: !it.can_edit || this.busy }, 'Pivoter la page ', el('kbd', {}, 'R')),
      el('button', { class: 'danger', onclick: () => this.askReject(), disabled: !it.can_edit || this.busy }, 'Rejeter ', el('kbd', {}, 'X')),
      el('button', { onclick: () => this.next(1) }, 'Passer ', el('kbd', {}, 'N')),
      el('button', { class: 'link', onclick: () => this.help() }, 'Raccourcis ', el('kbd', {}, '?')));

    const legend = el('div', { class: 'legend' }, [...new Map(it.highlights.map(h => [h.kind, h.label])).entries()].map(([k, l]) => el('mark', { class: 'hl-' + k }, l)));
    this.sideBox.replaceChildren(...[
      it.quality_sample ? el('p', { class: 'selection' }, 'Contrôle qualité : ce document a été classé automatiquement. Confirmez ou corrigez le type et le bénéficiaire.') : null,
      el('h2', {}, 'Pourquoi en revue'), reasons,
      el('h2', {}, 'Type de document'), types, this.chooser && this.chooser.kind === 'type' ? this.chooser.box : null,
      el('h2', {}, 'Bénéficiaire'), cands, this.chooser && this.chooser.kind === 'beneficiary' ? this.chooser.box : null,
      summary, actions,
      el('h2', {}, 'Texte lu (OCR)'), legend, this.ocrText(it.text, it.highlights)].filter(Boolean));
    if (this.chooser) this.chooser.input.focus();
  },

  candidateButton(c) {
    const sel = this.selection.beneficiary;
    return el('button', {
      class: 'choice' + (sel && this.same(c, sel) ? ' selected' : ''), 'data-beneficiary': c.beneficiary_id, 'data-case': c.case_number,
      onclick: () => { this.selection.beneficiary = c; this.renderSide(); },
    }, el('span', {}, el('strong', {}, c.last_name + ' ' + c.first_name), ' — ', c.case_number, ' (', c.prestation, ')',
        el('span', { class: 'why' }, (c.birth_date ? 'né(e) le ' + c.birth_date + ' · ' : '') + (c.address || '') +
          (c.matched_by && c.matched_by.length ? ' · trouvé par : ' + c.matched_by.map(m => m.label).join(', ') : ''))));
  },

  ocrText(text, highlights) {
    const pre = el('div', { class: 'ocr', id: 'ocr-text' });
    let at = 0;
    for (const h of highlights) {
      if (h.offset < at) continue;
      pre.append(text.slice(at, h.offset), el('mark', { class: 'hl-' + h.kind, title: h.label }, text.slice(h.offset, h.offset + h.length)));
      at = h.offset + h.length;
    }
    pre.append(text.slice(at));
    return pre;
  },

  same(a, b) { return a && b && a.beneficiary_id === b.beneficiary_id && a.case_number === b.case_number; },
  typeLabel(slug) { const t = this.item.document_types.find(x => x.slug === slug); return t ? t.label : slug; },
  pickType(slug) { this.selection.type = slug; this.chooser = null; this.renderSide(); },
  turn(d) { const n = this.item.document.page_count; this.page = Math.min(n, Math.max(1, this.page + d)); this.renderViewer(); this.renderSide(); },
  setZoom(z) { this.zoom = Math.min(this.zooms.length - 1, Math.max(0, z)); this.renderViewer(); },

  cycleCandidate() {
    const list = this.item.candidates;
    if (!list.length) return this.openSearch();
    const i = list.findIndex(c => this.same(c, this.selection.beneficiary));
    this.selection.beneficiary = list[(i + 1) % list.length];
    this.renderSide();
  },

  // A filter box over a list: type to narrow, ↑/↓ to move, Entrée to pick, Échap to close.
  makeChooser(kind, placeholder, search, describe, pick) {
    const input = el('input', { id: kind + '-search', placeholder, autocomplete: 'off', spellcheck: 'false' });
    const list = el('ul', { id: kind + '-results' });
    const chooser = { kind, input, list, items: [], active: 0, box: el('div', { class: 'chooser' }, input, list) };
    const draw = () => list.replaceChildren(...chooser.items.map((x, i) => el('li', {
      class: i === chooser.active ? 'active' : '', onmousedown: e => { e.preventDefault(); pick(x); },
    }, describe(x))));
    let seq = 0;
    const refresh = async () => {
      const mine = ++seq;
      const items = await search(input.value);
      if (mine !== seq) return;
      chooser.items = items; chooser.active = 0; draw();
    };
    input.addEventListener('input', refresh);
    input.addEventListener('keydown', e => {
      if (e.key === 'ArrowDown') { chooser.active = Math.min(chooser.items.length - 1, chooser.active + 1); draw(); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { chooser.active = Math.max(0, chooser.active - 1); draw(); e.preventDefault(); }
      else if (e.key === 'Enter') { e.preventDefault(); e.stopPropagation(); if (chooser.items[chooser.active]) pick(chooser.items[chooser.active]); }
      else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); this.chooser = null; this.renderSide(); }
      e.stopPropagation();
    });
    refresh();
    return chooser;
  },

  openTypeChooser() {
    const all = this.item.document_types;
    const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    this.chooser = this.makeChooser('type', 'Type de document…',
      async q => all.filter(t => fold(t.label + ' ' + t.slug).includes(fold(q.trim()))),
      t => t.label, t => this.pickType(t.slug));
    this.renderSide();
  },

  openSearch() {
    this.chooser = this.makeChooser('beneficiary', 'Nom, NIR, n° de dossier ou date de naissance…',
      async q => q.trim().length < 2 ? [] : (await api('GET', '/api/registry/search?q=' + encodeURIComponent(q))).results,
      c => c.last_name + ' ' + c.first_name + ' — ' + c.case_number + (c.birth_date ? ' — né(e) le ' + c.birth_date : ''),
      c => { this.selection.beneficiary = c; this.chooser = null; this.renderSide(); });
    this.renderSide();
  },

  async act(label, fn) {
    if (this.busy) return;
    this.busy = true; this.renderSide();
    const index = this.queue.findIndex(q => q.id === this.item.id);
    try {
      const result = await fn();
      await this.loadQueue();
      const opened = result && result.opened_items && result.opened_items[0];
      const nextId = opened || (this.queue.length ? this.queue[Math.min(Math.max(index, 0), this.queue.length - 1)].id : null);
      this.busy = false;
      flash(label(result), true);
      if (nextId) await this.open(nextId, true); else this.empty();
    } catch (e) {
      this.busy = false;
      flash(e.message, false);
      if (e.status === 409) { await this.loadQueue(); }
      if (this.item) this.renderSide();
    }
  },

  confirm() {
    const sel = this.selection, id = this.item.id;
    if (!sel.type) return flash('Choisissez le type (1, 2, 3 ou T).', false);
    if (!sel.beneficiary) return flash('Choisissez le bénéficiaire (C ou B).', false);
    return this.act(r => r.message || ('Classé : ' + r.path), () => api('POST', '/api/review/items/' + encodeURIComponent(id) + '/confirm',
      { document_type: sel.type, beneficiary_id: sel.beneficiary.beneficiary_id, case_number: sel.beneficiary.case_number }));
  },
  split() {
    if (this.page < 2) return flash('Placez-vous sur la première page du second document, puis S.', false);
    const id = this.item.id, page = this.page;
    return this.act(() => 'Document découpé avant la page ' + page + '.', () => api('POST', '/api/review/items/' + encodeURIComponent(id) + '/split', { page }));
  },
  merge() {
    const id = this.item.id;
    return this.act(() => 'Fusionné avec le document précédent.', () => api('POST', '/api/review/items/' + encodeURIComponent(id) + '/merge-previous'));
  },
  rotate() {
    const id = this.item.id, page = this.page;
    return this.act(() => 'Page ' + page + ' pivotée.', async () => {
      const r = await api('POST', '/api/review/items/' + encodeURIComponent(id) + '/rotate', { page, quarter_turns: 1 });
      this.keepPage = page;
      return r;
    }).then(() => { if (this.keepPage && this.item) { this.page = this.keepPage; this.keepPage = null; this.renderViewer(); } });
  },
  askReject() {
    const input = el('input', { id: 'reject-comment', placeholder: 'Motif (facultatif)' });
    const close = () => { this.modal = null; box.remove(); };
    const box = el('div', { class: 'modal', id: 'reject-dialog' }, el('div', {},
      el('h1', {}, 'Rejeter en quarantaine ?'),
      el('p', {}, 'Le document ne sera pas classé ; il est conservé en quarantaine avec le motif.'), input,
      el('div', { class: 'actions' },
        el('button', { class: 'danger', onclick: () => { close(); this.reject(input.value); } }, 'Rejeter ', el('kbd', {}, 'Entrée')),
        el('button', { onclick: close }, 'Annuler ', el('kbd', {}, 'Échap')))));
    input.addEventListener('keydown', e => {
      e.stopPropagation();
      if (e.key === 'Enter') { e.preventDefault(); close(); this.reject(input.value); }
      if (e.key === 'Escape') { e.preventDefault(); close(); }
    });
    this.modal = box;
    document.body.append(box);
    input.focus();
  },
  reject(comment) {
    const id = this.item.id;
    return this.act(r => 'Rejeté en quarantaine : ' + r.path, () => api('POST', '/api/review/items/' + encodeURIComponent(id) + '/reject', { comment }));
  },
  next(d) {
    if (!this.queue.length) return;
    const i = this.item ? this.queue.findIndex(q => q.id === this.item.id) : -1;
    const j = ((i < 0 ? 0 : i + d) + this.queue.length) % this.queue.length;
    this.open(this.queue[j].id, false);
  },
  help() {
    const rows = [['Entrée', 'classer avec le type et le bénéficiaire choisis'], ['1 2 3', 'choisir l\'un des trois types proposés'],
      ['T', 'choisir un autre type (taper pour filtrer, ↑ ↓, Entrée)'], ['C', 'candidat suivant'],
      ['B ou /', 'chercher un bénéficiaire (nom, NIR, n° de dossier, date de naissance)'], ['← →', 'page précédente / suivante'],
      ['+ − 0', 'zoom avant / arrière / pleine largeur'], ['R', 'pivoter la page d\'un quart de tour'], ['S', 'découper avant la page affichée'],
      ['M', 'fusionner avec le document précédent'], ['X', 'rejeter en quarantaine'], ['N P', 'élément suivant / précédent sans décider'], ['Échap', 'fermer']];
    const close = () => { this.modal = null; box.remove(); };
    const box = el('div', { class: 'modal', onclick: close }, el('div', { class: 'help' }, el('h1', {}, 'Raccourcis clavier'),
      el('table', {}, rows.map(([k, t]) => el('tr', {}, el('td', {}, el('kbd', {}, k)), el('td', {}, t))))));
    this.modal = box;
    document.body.append(box);
  },

  onKey(e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (this.modal) { if (e.key === 'Escape') { this.modal.remove(); this.modal = null; } return; }
    if (inField(e.target)) return;
    if (!this.item || !this.item.open) { if (e.key === 'n' || e.key === 'N') this.next(1); return; }
    const n = digit(e);
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    let handled = true;
    if (key === 'Enter') this.confirm();
    else if (n !== null && n >= 1 && n <= 3 && !['+', '-', '='].includes(e.key)) {
      const t = this.item.prediction.top3[n - 1];
      if (t) this.pickType(t.document_type);
    }
    else if (key === 't') this.openTypeChooser();
    else if (key === 'c') this.cycleCandidate();
    else if (key === 'b' || key === '/') this.openSearch();
    else if (key === 'ArrowRight' || key === 'PageDown') this.turn(1);
    else if (key === 'ArrowLeft' || key === 'PageUp') this.turn(-1);
    else if (key === '+' || key === '=') this.setZoom(this.zoom + 1);
    else if (key === '-') this.setZoom(this.zoom - 1);
    else if (n === 0) this.setZoom(0);
    else if ((key === 'r' || key === 's' || key === 'x') && !this.item.can_edit) flash('Document déjà classé (contrôle qualité) : confirmez ou corrigez seulement.', false);
    else if (key === 'r') this.rotate();
    else if (key === 's') this.split();
    else if (key === 'm') { if (this.item.can_merge_previous) this.merge(); else flash('Le document précédent n\'est pas en revue : fusion impossible.', false); }
    else if (key === 'x') this.askReject();
    else if (key === 'n') this.next(1);
    else if (key === 'p') this.next(-1);
    else if (key === '?') this.help();
    else handled = false;
    if (handled) e.preventDefault();
  },
};

// ------------------------------------------------------------------ batches

const statusFr = { running: 'en cours', completed: 'terminé', failed: 'échoué', interrupted: 'interrompu' };

const Batches = {
  async list() {
    const app = document.getElementById('app');
    const table = el('table', { id: 'batches' });
    const filter = el('select', { onchange: () => draw() }, el('option', { value: '' }, 'Tous les lots'), el('option', { value: 'running' }, 'En cours'));
    const quality = el('div', { class: 'cards', id: 'quality-cards' });
    const bulk = el('div', { id: 'bulk-jobs' });
    app.replaceChildren(el('h1', {}, 'Lots de numérisation'), bulk,
      el('h2', {}, 'Contrôle qualité du classement automatique'), quality,
      el('p', {}, filter, ' ', el('span', { class: 'muted', id: 'refreshed' })), table);
    // Bulk jobs (legacy archives): the same figures as `bulk status`, one bar per job; nothing when none is configured.
    const drawBulk = async () => {
      let b;
      try { b = await api('GET', '/api/bulk'); } catch (e) { return; }
      if (!b.jobs.length) { bulk.replaceChildren(); return; }
      const n = v => Number(v).toLocaleString('fr-FR');
      bulk.replaceChildren(el('h2', {}, 'Reprise des archives (travaux de nuit)'), ...b.jobs.map(j => {
        const parts = [['done', j.done], ['rejected', j.rejected], ['claimed', j.claimed], ['pending', j.pending]];
        const total = Math.max(1, j.total);
        const slot = j.open_window ? 'fenêtre ouverte jusqu’à ' + when(j.open_window.closes_at)
          : j.next_window ? 'prochaine fenêtre ' + when(j.next_window) : 'aucune fenêtre prévue';
        const end = j.estimated_end ? when(j.estimated_end) : j.enumerated ? 'inconnue (pas encore de débit)' : 'inconnue (arborescence pas encore listée)';
        return el('div', { class: 'bulk-job', 'data-job': j.job },
          el('div', {}, el('strong', {}, j.job), ' — ', n(j.done + j.rejected) + ' / ' + n(j.total) + ' fichier(s) (' + pct(j.fraction) + '), ' +
            n(j.pages_done) + ' page(s) ; ' + slot),
          el('div', { class: 'bulk-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': String(j.total), 'aria-valuenow': String(j.done + j.rejected) },
            ...parts.filter(([, v]) => v > 0).map(([k, v]) => el('span', { class: k, style: 'width:' + (100 * v / total) + '%', title: k + ' ' + v }))),
          el('div', { class: 'muted' }, el('span', { class: 'bulk-rate' }, String(j.pages_per_minute).replace('.', ',') + ' pages/min'),
            ' sur les dernières fenêtres · ' + (j.remaining_pages === null ? 'pages restantes inconnues' : 'environ ' + n(j.remaining_pages) + ' page(s) restantes') +
            ' · fin estimée ', el('span', { class: 'bulk-end' }, end),
            ' · en cours : ' + n(j.claimed) + ', rejetés : ' + n(j.rejected)));
      }));
    };
    const drawQuality = async () => {
      let q;
      try { q = await api('GET', '/api/batches/quality'); } catch (e) { return; }
      const card = (k, v) => el('div', { class: 'card' }, el('div', { class: 'v' }, String(v)), el('div', { class: 'k' }, k));
      quality.replaceChildren(card('classés automatiquement', q.filed_automatically), card('échantillons contrôlés', q.samples_checked),
        card('à contrôler', q.samples_waiting), card('trouvés mal classés', q.found_wrong),
        card('précision mesurée', pct(q.precision)), card('borne basse (95 %)', pct(q.precision_lower_95)));
    };
    const draw = async () => {
      let data;
      drawQuality();
      drawBulk();
      try { data = await api('GET', '/api/batches' + (filter.value ? '?status=' + filter.value : '')); } catch (e) { flash(e.message, false); return; }
      table.replaceChildren(el('tr', {}, ['Début', 'Type', 'Poste / opérateur', 'Statut', 'Pages', 'Pages/min', 'Documents', 'Classés', 'En revue', 'Rejetés', 'Doublons', 'Fichiers rejetés']
        .map((h, i) => el('th', { class: i >= 4 ? 'num' : '' }, h))),
        ...data.batches.map(b => el('tr', { class: 'clickable', 'data-batch': b.id, onclick: () => go('/batches/' + b.id) },
          el('td', {}, when(b.started_at)), el('td', {}, b.kind), el('td', {}, [b.station, b.operator].filter(Boolean).join(' / ') || '—'),
          el('td', { class: 'status-' + b.status }, statusFr[b.status] || b.status),
          ...[b.pages_read, b.pages_per_minute, b.counts.documents, b.counts.filed, b.counts.review, b.counts.rejected, b.counts.duplicate, b.counts.sources_rejected]
            .map(v => el('td', { class: 'num' }, String(v))))));
      document.getElementById('refreshed').textContent = 'Actualisé à ' + new Date().toLocaleTimeString('fr-FR') + ' (toutes les 3 s)';
    };
    await draw();
    every(3000, draw);
  },

  async detail(id) {
    const app = document.getElementById('app');
    const draw = async () => {
      let r;
      try { r = await api('GET', '/api/batches/' + encodeURIComponent(id) + '/report'); } catch (e) { flash(e.message, false); return; }
      const b = r.batch;
      const card = (k, v, cls) => el('div', { class: 'card' }, el('div', { class: 'v ' + (cls || '') }, String(v)), el('div', { class: 'k' }, k));
      app.replaceChildren(
        el('p', {}, el('a', { href: '/batches', onclick: e => { e.preventDefault(); go('/batches'); } }, '← Tous les lots')),
        el('h1', {}, 'Lot ' + b.id),
        el('div', { class: 'cards', id: 'batch-cards' },
          card('statut', statusFr[b.status] || b.status, 'status-' + b.status), card('pages lues', b.pages_read), card('pages / minute', b.pages_per_minute),
          card('durée', Math.round(b.elapsed_seconds) + ' s'), card('fichiers', b.counts.sources), card('documents', b.counts.documents),
          ...r.by_status.map(s => card(s.label, s.count)), card('encore en revue', r.review_open_now)),
        el('p', { class: 'muted' }, 'Démarré ' + when(b.started_at) + (b.ended_at ? ', terminé ' + when(b.ended_at) : '') + ' · ' + (b.inbox || '') +
          (b.status === 'running' ? ' · actualisé toutes les 3 s' : '')),
        el('h2', {}, 'Erreurs'),
        r.errors.length ? el('table', { id: 'batch-errors' }, el('tr', {}, el('th', {}, 'Fichier'), el('th', {}, 'Pages'), el('th', {}, 'Motif'), el('th', {}, 'Quarantaine')),
          ...r.errors.map(d => el('tr', {}, el('td', {}, d.source), el('td', {}, d.first_page + '–' + d.last_page),
            el('td', {}, d.reasons.map(x => el('div', {}, el('code', {}, x.code), ' ', x.explanation))), el('td', {}, d.quarantine_path || ''))))
          : el('p', { class: 'muted' }, 'Aucune erreur.'),
        el('h2', {}, 'Motifs hors classement'),
        el('table', {}, ...r.reasons.map(x => el('tr', {}, el('td', {}, el('code', {}, x.code)), el('td', {}, x.explanation), el('td', { class: 'num' }, String(x.count))))),
        el('h2', {}, 'Rapport du lot'),
        el('table', { id: 'batch-report' }, el('tr', {}, ['Fichier', 'Pages', 'Statut', 'Type', 'Confiance', 'Motifs'].map(h => el('th', {}, h))),
          ...r.documents.map(d => el('tr', {}, el('td', {}, d.source), el('td', {}, d.first_page + '–' + d.last_page), el('td', {}, d.status_label),
            el('td', {}, d.type_label), el('td', { class: 'num' }, pct(d.type_confidence)), el('td', {}, d.reasons.map(x => x.code).join(', '))))));
      if (b.status !== 'running') stopTimers();
    };
    await draw();
    every(3000, draw);
  },
};

// ------------------------------------------------------------------ admin

const Admin = {
  async show() {
    const app = document.getElementById('app');
    app.classList.add('admin');
    const [users, config, journal, examples] = await Promise.all([api('GET', '/api/admin/users'), api('GET', '/api/admin/configuration'),
      api('GET', '/api/admin/journal?limit=50'), api('GET', '/api/admin/training-examples')]);
    const roles = [['operator', 'opérateur'], ['reviewer', 'gestionnaire'], ['admin', 'administrateur']];
    const reload = () => this.show();
    const run = async (fn, ok) => { try { await fn(); flash(ok, true); reload(); } catch (e) { flash(e.message, false); } };
    const userRows = users.users.map(u => el('tr', { 'data-user': u.name },
      el('td', {}, u.name),
      el('td', {}, el('select', { onchange: e => run(() => api('POST', '/api/admin/users/' + encodeURIComponent(u.name), { role: e.target.value }), 'Rôle modifié.') },
        roles.map(([v, t]) => el('option', { value: v, selected: u.role === v }, t)))),
      el('td', {}, u.disabled ? 'désactivé' : 'actif'),
      el('td', {}, when(u.created_at)),
      el('td', {},
        el('button', { onclick: () => run(() => api('POST', '/api/admin/users/' + encodeURIComponent(u.name), { disabled: !u.disabled }), 'Compte modifié.') }, u.disabled ? 'Réactiver' : 'Désactiver'), ' ',
        el('button', { onclick: () => { const p = prompt('Nouveau mot de passe pour ' + u.name + ' (12 caractères au moins) :'); if (p) run(() => api('POST', '/api/admin/users/' + encodeURIComponent(u.name), { password: p }), 'Mot de passe changé.'); } }, 'Mot de passe'), ' ',
        el('button', { class: 'danger', onclick: () => { if (confirm('Supprimer ' + u.name + ' ?')) run(() => api('DELETE', '/api/admin/users/' + encodeURIComponent(u.name)), 'Utilisateur supprimé.'); } }, 'Supprimer'))));
    const name = el('input', { id: 'new-name', required: true }), password = el('input', { id: 'new-password', type: 'password', required: true });
    const role = el('select', { id: 'new-role' }, roles.map(([v, t]) => el('option', { value: v }, t)));
    const form = el('form', { class: 'inline', onsubmit: e => { e.preventDefault(); run(() => api('POST', '/api/admin/users', { name: name.value, role: role.value, password: password.value }), 'Utilisateur créé.'); } },
      el('label', {}, 'Identifiant', name), el('label', {}, 'Rôle', role), el('label', {}, 'Mot de passe', password), el('button', { class: 'primary', type: 'submit' }, 'Créer'));
    const settings = Object.entries(config.settings).concat([['plan', config.plan], ['registry_rows', config.registry_rows], ['model_version', config.model_version],
      ['session_idle_minutes', config.session_idle_minutes], ['session_max_hours', config.session_max_hours], ['metrics_token_configured', config.metrics_token_configured]]);
    app.replaceChildren(
      el('h1', {}, 'Administration'),
      el('h2', {}, 'Utilisateurs'), el('table', { id: 'users' }, el('tr', {}, ['Identifiant', 'Rôle', 'État', 'Créé', ''].map(h => el('th', {}, h))), ...userRows), form,
      el('h2', {}, 'Configuration en vigueur'), el('table', { id: 'configuration' }, ...settings.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v ?? '—'))))),
      el('h2', {}, 'Exemples d\'apprentissage issus de la revue'), el('p', {}, examples.count + ' exemples, dont ' + examples.corrected + ' corrections de type.'),
      el('h2', {}, 'Journal de revue (50 dernières lignes)'),
      el('table', { id: 'journal' }, el('tr', {}, ['Quand', 'Qui', 'Action', 'Document'].map(h => el('th', {}, h))),
        ...journal.entries.map(j => el('tr', {}, el('td', {}, when(j.at)), el('td', {}, j.actor), el('td', {}, j.action), el('td', {}, j.source + ' p. ' + j.first_page + '-' + j.last_page)))));
  },
};

document.addEventListener('DOMContentLoaded', () => start().catch(e => flash(e.message, false)));
