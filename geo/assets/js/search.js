/* geo atlas, search.js: finding places by words of their name, id, country and other
 * terms (accents and case aside), and the search box, an ARIA combobox.  A place that
 * matches but is not on the map (not open yet, or gone, in the timeline's year; or
 * hidden by the filters) is listed after the others with what hides it, and choosing
 * it shows its year (or every place) and then the place.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var fold = util.fold;
  var WARM_SLICE = 5000; // places folded per turn of the event loop
  var SHOWN = 12; // results the box lists at most
  var ELSE = 3; // places not on the map that it lists at most
  // A place is found by the first FIELD_MAX characters of its name, id, country and
  // terms, a query is read up to QUERY_MAX: a keystroke costs the same for a name of a
  // megabyte as for one of twenty letters.
  var FIELD_MAX = 1000;
  var QUERY_MAX = 200;

  /**
   * The folded text a place is found by (p.search): its name, id, country, terms (the
   * data's other names, its city's name in the map's language...) and its kind's
   * name in the map's language (BRRC finds the ROCBs on a French map); its folded
   * name (p.searchName) and the name it is sorted by (p.sortName), made once.
   */
  function searchText(p) {
    if (p.search === undefined) {
      var name = util.clip(p.name, FIELD_MAX);
      p.searchName = fold(name);
      p.sortName = name;
      p.search = [p.searchName, fold(util.clip(p.id, FIELD_MAX)), fold(util.clip(p.country, FIELD_MAX)),
        fold(util.clip(p.terms, FIELD_MAX)), fold(util.clip(p.kindInfo && p.kindInfo.label, FIELD_MAX))].join(' ');
    }
    return p.search;
  }

  /** Places (shown ones only, unless `all`) whose text holds every word of the query; names starting with it first. */
  function find(places, query, all) {
    var q = fold(util.clip(query, QUERY_MAX)).trim();
    if (!q) return [];
    var words = q.split(/\s+/);
    var found = [];
    places.forEach(function (p) {
      if (!p.on && !all) return;
      var text = searchText(p);
      for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return;
      found.push({ p: p, first: p.searchName.indexOf(words[0]) === 0 ? 0 : 1 });
    });
    found.sort(function (a, b) {
      return a.first - b.first || (a.p.sortName < b.p.sortName ? -1 : a.p.sortName > b.p.sortName ? 1 : 0);
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

  function searchBox(app) {
    return {
      box: h('div', { className: 'leaflet-bar atlas-search', attrs: { role: 'search' } }),
      input: h('input', {
        type: 'search', placeholder: util.t(app, 'search.placeholder'), autocomplete: 'off', spellcheck: false,
        attrs: { 'aria-label': util.t(app, 'search.label'), role: 'combobox', 'aria-expanded': 'false',
          'aria-controls': 'atlas-search-results', 'aria-autocomplete': 'list' }
      }),
      results: h('ul', { id: 'atlas-search-results', className: 'atlas-search-results', hidden: true, attrs: { role: 'listbox', 'aria-label': util.t(app, 'search.results') } }),
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

  /**
   * Why a place that is not shown is not, and what shows it: {text, year} (its year
   * on the timeline) or {text, all: true} (every filter off).
   */
  function elsewhere(app, p) {
    var day = app.timeline.day();
    var when = day === null || p.now ? null : lib.state.whenElse(p, day);
    if (when && when.opens) {
      var year = Math.floor(when.opens / 10000);
      return { text: util.dated(app, 'search.opens', when.opens, { year: year }), year: year };
    }
    if (when && when.gone) {
      var last = lib.state.lastYearBefore(when.gone);
      return { text: util.dated(app, 'search.gone', when.gone, { year: last }), year: last };
    }
    return p.now ? { text: util.t(app, 'search.hidden'), all: true } : null;
  }

  function choose(app, ui, p, why) {
    close(ui);
    ui.input.value = util.clip(p.name, util.SHORT); // a query that finds it again
    if (why && why.year !== undefined && app.setYear) app.setYear(why.year);
    if (why && why.all && app.showAll) app.showAll();
    app.select(p.id);
  }

  function option(app, ui, p, i, why) {
    var meta = why ? why.text : [p.kindInfo.label, util.short(p.country)].filter(Boolean).join(' \u00b7 ');
    var li = h('li', { id: 'atlas-search-option-' + i, className: 'atlas-search-option' + (why ? ' atlas-search-else' : ''), attrs: { role: 'option', 'aria-selected': 'false' } }, [
      lib.symbols.symbolNode(p.kindInfo, (p.now || p.base).status, 14),
      h('span', { className: 'atlas-search-name', textContent: util.short(p.name) }),
      h('span', { className: 'atlas-search-meta', textContent: meta })
    ]);
    li.addEventListener('mousedown', function (e) { e.preventDefault(); });
    li.addEventListener('click', function () { choose(app, ui, p, why); });
    return li;
  }

  /** List the results of the text typed so far: the shown places, then a few others. */
  function update(app, ui) {
    var all = find(app.places, ui.input.value, true);
    var shown = all.filter(function (p) { return p.on; }).slice(0, SHOWN);
    var others = [];
    all.forEach(function (p) {
      var why = !p.on && others.length < ELSE ? elsewhere(app, p) : null;
      if (why) others.push({ p: p, why: why });
    });
    ui.found = shown.map(function (p) { return { p: p, why: null }; }).concat(others);
    ui.results.textContent = '';
    ui.found.forEach(function (f, i) { ui.results.appendChild(option(app, ui, f.p, i, f.why)); });
    var open = ui.input.value.trim() !== '';
    if (open && !ui.found.length) {
      ui.results.appendChild(h('li', { className: 'atlas-search-empty', textContent: util.t(app, 'search.none') }));
    }
    ui.results.hidden = !open;
    ui.input.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.status.textContent = open ? util.t(app, 'search.count', { n: ui.found.length }) : '';
    ui.active = -1;
  }

  function onKey(app, ui, e) {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (ui.results.hidden) update(app, ui); highlight(ui, ui.active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(ui, ui.active - 1); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (ui.found.length) {
        var f = ui.found[Math.max(ui.active, 0)];
        choose(app, ui, f.p, f.why);
      }
    } else if (e.key === 'Escape') { close(ui); }
  }

  /** The search box, with its list of results and the count a screen reader hears. */
  function buildBox(app) {
    var ui = searchBox(app);
    ui.input.addEventListener('input', function () { update(app, ui); });
    ui.input.addEventListener('keydown', function (e) { onKey(app, ui, e); });
    ui.input.addEventListener('blur', function () { setTimeout(function () { close(ui); }, 150); });
    ui.box.appendChild(ui.input);
    ui.box.appendChild(ui.results);
    ui.box.appendChild(ui.status);
    return ui;
  }

  /**
   * The search box in the page's header (`slot`, #atlas-search-slot), right after
   * the title: the first thing a keyboard reaches after the skip link, before the
   * header's links and the map.  Without a slot, a control of the map (`options`).
   * Returns {input, box}.
   */
  function SearchBox(app, slot, options) {
    if (slot) {
      var ui = buildBox(app);
      ui.box.className = 'atlas-search';
      slot.appendChild(ui.box);
      return { input: ui.input, box: ui.box };
    }
    var ctl = util.control(options, function () {
      var own = buildBox(app);
      util.isolate(own.box);
      this.input = own.input;
      this.box = own.box;
      return own.box;
    });
    app.map.addControl(ctl);
    return ctl;
  }

  lib.search = { searchText: searchText, find: find, warm: warm, SearchBox: SearchBox };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
