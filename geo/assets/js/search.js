/* geo atlas, search.js: finding shown places by words of their name, id, country and
 * other terms (accents and case aside), and the search box, an ARIA combobox.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var fold = util.fold;
  var WARM_SLICE = 5000; // places folded per turn of the event loop
  var SHOWN = 12; // results the box lists at most

  /** The folded text a place is found by, made once (p.search). */
  function searchText(p) {
    if (p.search === undefined) p.search = fold([p.name, p.id, p.country, p.terms].join(' '));
    return p.search;
  }

  /** Shown places (p.on) whose text holds every word of the query; names starting with it first. */
  function find(places, query) {
    var q = fold(query).trim();
    if (!q) return [];
    var words = q.split(/\s+/);
    var found = [];
    places.forEach(function (p) {
      if (!p.on) return;
      var text = searchText(p);
      for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return;
      found.push({ p: p, first: fold(p.name).indexOf(words[0]) === 0 ? 0 : 1 });
    });
    found.sort(function (a, b) {
      return a.first - b.first || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0);
    });
    return found.map(function (f) { return f.p; });
  }

  /** Fold the search text of a large map's places in slices, while the reader looks. */
  function warm(places, from) {
    var to = Math.min(places.length, from + WARM_SLICE);
    for (var i = from; i < to; i++) searchText(places[i]);
    if (to < places.length) setTimeout(function () { warm(places, to); }, 0);
  }

  // ---- the search box

  function searchBox() {
    return {
      box: h('div', { className: 'leaflet-bar atlas-search', attrs: { role: 'search' } }),
      input: h('input', {
        type: 'search', placeholder: 'Search places\u2026', autocomplete: 'off', spellcheck: false,
        attrs: { 'aria-label': 'Search places', role: 'combobox', 'aria-expanded': 'false',
          'aria-controls': 'atlas-search-results', 'aria-autocomplete': 'list' }
      }),
      results: h('ul', { id: 'atlas-search-results', className: 'atlas-search-results', hidden: true, attrs: { role: 'listbox', 'aria-label': 'Matching places' } }),
      status: h('div', { className: 'atlas-sr', attrs: { 'aria-live': 'polite' } }),
      active: -1, // the highlighted result
      found: []
    };
  }

  function close(ui) {
    ui.results.hidden = true;
    ui.input.setAttribute('aria-expanded', 'false');
    ui.input.removeAttribute('aria-activedescendant');
    ui.active = -1;
  }

  function highlight(ui, i) {
    var items = ui.results.children;
    if (!items.length) return;
    ui.active = (i + items.length) % items.length;
    for (var j = 0; j < items.length; j++) items[j].setAttribute('aria-selected', j === ui.active ? 'true' : 'false');
    ui.input.setAttribute('aria-activedescendant', items[ui.active].id);
    items[ui.active].scrollIntoView({ block: 'nearest' });
  }

  function choose(app, ui, p) {
    close(ui);
    ui.input.value = p.name;
    app.select(p.id);
  }

  function option(app, ui, p, i) {
    var li = h('li', { id: 'atlas-search-option-' + i, className: 'atlas-search-option', attrs: { role: 'option', 'aria-selected': 'false' } }, [
      lib.symbols.symbolNode(p.kindInfo, p.now.status, 14),
      h('span', { className: 'atlas-search-name', textContent: p.name }),
      h('span', { className: 'atlas-search-meta', textContent: [p.kindInfo.label, p.country].filter(Boolean).join(' \u00b7 ') })
    ]);
    li.addEventListener('mousedown', function (e) { e.preventDefault(); });
    li.addEventListener('click', function () { choose(app, ui, p); });
    return li;
  }

  /** List the results of the text typed so far. */
  function update(app, ui) {
    ui.found = find(app.places, ui.input.value).slice(0, SHOWN);
    ui.results.textContent = '';
    ui.found.forEach(function (p, i) { ui.results.appendChild(option(app, ui, p, i)); });
    var open = ui.input.value.trim() !== '';
    if (open && !ui.found.length) {
      ui.results.appendChild(h('li', { className: 'atlas-search-empty', textContent: 'No place matches' }));
    }
    ui.results.hidden = !open;
    ui.input.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.status.textContent = open ? ui.found.length + ' result' + (ui.found.length === 1 ? '' : 's') : '';
    ui.active = -1;
  }

  function onKey(app, ui, e) {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (ui.results.hidden) update(app, ui); highlight(ui, ui.active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(ui, ui.active - 1); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (ui.found.length) choose(app, ui, ui.found[Math.max(ui.active, 0)]);
    } else if (e.key === 'Escape') { close(ui); }
  }

  /** The search box; the control's `input` is its text field. */
  function SearchControl(app, options) {
    return util.control(options, function () {
      var ui = searchBox();
      ui.input.addEventListener('input', function () { update(app, ui); });
      ui.input.addEventListener('keydown', function (e) { onKey(app, ui, e); });
      ui.input.addEventListener('blur', function () { setTimeout(function () { close(ui); }, 150); });
      ui.box.appendChild(ui.input);
      ui.box.appendChild(ui.results);
      ui.box.appendChild(ui.status);
      util.isolate(ui.box);
      this.input = ui.input;
      return ui.box;
    });
  }

  lib.search = { searchText: searchText, find: find, warm: warm, SearchControl: SearchControl };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
