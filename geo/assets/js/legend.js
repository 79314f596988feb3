/* geo atlas, legend.js: the legend, which is also the filters: places by kind (the kind
 * layers), by status (in the timeline's year: "possibly open" is a status too), and
 * by WCO region; its counts follow the timeline's year.  A border post counts in the
 * region of each of its sides, as on the region maps and in `geo query region`, and
 * the legend says so when some do.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var symbolNode = lib.symbols.symbolNode;
  var NEUTRAL = { shape: 'circle', color: '#5d6d7e' }; // the symbol of a status row

  // A map at least this wide and this tall opens with the legend open (it then takes
  // at most a fifth of the map's width); a smaller one (a laptop's 1280 x 800) shows
  // it folded, a button that opens it (a click, Enter or Space; Escape folds it
  // again: keys.js), so that it hides none of the map at first view.
  var OPEN_WIDTH = 1400; // px
  var OPEN_HEIGHT = 760; // px

  /** Whether the legend is open at first view on this map (never on a narrow screen). */
  function opensAtFirst(app) {
    var size = app.map.getSize();
    return !lib.layout.narrow() && size.x >= OPEN_WIDTH && size.y >= OPEN_HEIGHT;
  }

  /** A checkbox row per kind that has places; a box adds or removes the kind's layer. */
  function kindSection(app) {
    var out = { rows: [], boxes: new Map() };
    var grid = h('div', { className: 'atlas-grid atlas-grid-kinds' });
    app.data.kinds.forEach(function (k) {
      if (!k.count) return;
      var cb = h('input', { type: 'checkbox', checked: true, attrs: { 'aria-label': rowLabel(app, k.label, k.count) } });
      cb.addEventListener('change', function () {
        var layer = app.kindLayers.get(k.code);
        if (cb.checked) app.map.addLayer(layer); else app.map.removeLayer(layer);
      });
      out.boxes.set(k.code, cb);
      var count = h('span', { className: 'atlas-count', textContent: util.num(app, k.count) });
      out.rows.push({ k: k, cb: cb, count: count });
      grid.appendChild(h('label', { className: 'atlas-row' }, [
        cb, symbolNode(k, 'operational', 18), h('span', { className: 'atlas-row-label', textContent: k.label }), count
      ]));
    });
    out.fieldset = h('fieldset', {}, [h('legend', { textContent: util.t(app, 'legend.places') }), grid]);
    if (!out.boxes.size) out.fieldset.appendChild(h('p', { className: 'atlas-none', textContent: util.t(app, 'legend.none') }));
    return out;
  }

  /** A checkbox row per status: its symbol, label and count (rows with no place hide, unless unticked). */
  function statusSection(app) {
    var out = { rows: [] };
    var grid = h('div', { className: 'atlas-grid atlas-grid-status' });
    app.data.statuses.forEach(function (s) {
      var cb = h('input', { type: 'checkbox', checked: true, attrs: { 'aria-label': rowLabel(app, s.label, s.count) } });
      cb.addEventListener('change', function () {
        app.state.statusesOn.set(s.code, cb.checked);
        app.refresh();
      });
      var label = h('label', { className: 'atlas-row' }, [
        cb, symbolNode(NEUTRAL, s.code, 14),
        h('span', { className: 'atlas-row-label', textContent: s.label }),
        h('span', { className: 'atlas-count', textContent: util.num(app, s.count) })
      ]);
      grid.appendChild(label);
      var cells = [].slice.call(label.children);
      cells.forEach(function (cell) { cell.hidden = !s.count; }); // as now, until the first count
      out.rows.push({ s: s, cb: cb, cells: cells });
    });
    out.fieldset = h('fieldset', {}, [h('legend', { textContent: util.t(app, 'legend.status') }), grid]);
    return out;
  }

  /** The name of a legend row's checkbox: "Border post: 41 places". */
  function rowLabel(app, label, n) {
    return util.t(app, 'legend.row', { label: label, count: util.t(app, 'count.places', { n: n }) });
  }

  /** The name of a region's checkbox: "Europe: 32 places, 52 WCO Members". */
  function regionName(app, r, n) {
    if (r.code === null) return rowLabel(app, r.name, n);
    return util.t(app, 'legend.region_row', {
      name: r.name, places: util.t(app, 'count.places', { n: n }), members: util.t(app, 'count.members', { n: r.members })
    });
  }

  /** A checkbox row per region (its swatch, places and Members), and the non-member hatching. */
  function regionSection(app) {
    var out = { rows: [] };
    var grid = h('div', { className: 'atlas-grid atlas-grid-regions' }, [
      h('span'), h('span'), h('span'),
      h('span', { className: 'atlas-grid-head', textContent: util.t(app, 'legend.head_places'), attrs: { 'aria-hidden': 'true' } }),
      h('span', { className: 'atlas-grid-head', textContent: util.t(app, 'legend.head_members'), attrs: { 'aria-hidden': 'true' } })
    ]);
    app.data.regions.forEach(function (r) {
      var cb = h('input', { type: 'checkbox', checked: true, disabled: !r.count, attrs: { 'aria-label': regionName(app, r, r.count) } });
      cb.addEventListener('change', function () {
        app.state.regionsShown.set(r.code, cb.checked);
        app.refresh();
      });
      var swatch = h('span', { className: 'atlas-swatch' + (r.code === null ? ' atlas-swatch-none' : '') });
      if (r.color) swatch.style.background = util.regionFill(r.color);
      var count = h('span', { className: 'atlas-count', textContent: util.num(app, r.count) });
      out.rows.push({ r: r, cb: cb, count: count });
      grid.appendChild(h('label', { className: 'atlas-row' + (app.focus && r.code === app.focus ? ' atlas-focus' : '') }, [
        cb, swatch, h('span', { className: 'atlas-row-label', textContent: r.name }), count,
        h('span', { className: 'atlas-count', textContent: r.code === null ? '' : util.num(app, r.members) })
      ]));
    });
    grid.appendChild(h('span'));
    grid.appendChild(h('span', { className: 'atlas-swatch atlas-swatch-hatch' }));
    grid.appendChild(h('span', { className: 'atlas-row-label atlas-span', textContent: util.t(app, 'member.no') }));
    out.fieldset = h('fieldset', {}, [h('legend', { textContent: util.t(app, 'legend.regions') }), grid]);
    if (app.data.shared) {
      out.fieldset.appendChild(h('p', { className: 'atlas-note', textContent: util.t(app, 'legend.two_regions', { n: app.data.shared, total: util.num(app, app.places.length) }) }));
    }
    return out;
  }

  /** Every region, status and kind back on (app.showAll). */
  function showAll(app) {
    app.state.regionsShown.forEach(function (on, code) { app.state.regionsShown.set(code, true); });
    app.state.statusesOn.forEach(function (on, code) { app.state.statusesOn.set(code, true); });
    app.kindLayers.forEach(function (layer) { if (!app.map.hasLayer(layer)) app.map.addLayer(layer); });
    app.refresh();
  }

  /** "Show all": every filter off. */
  function resetButton(app) {
    var reset = h('button', { type: 'button', className: 'atlas-link-button', textContent: util.t(app, 'legend.show_all') });
    reset.addEventListener('click', function () { showAll(app); });
    return reset;
  }

  /** Say how many places show, and count the places of each row at the timeline's year. */
  function recount(app, shown, sections) {
    var c = lib.state.presentCounts(app.places);
    var year = app.timeline.year();
    shown.textContent = util.t(app, year === null ? 'legend.shown' : 'legend.shown_at', {
      shown: util.num(app, c.on), n: app.places.length, year: year
    });
    sections.kinds.rows.forEach(function (row) {
      var n = c.kinds.get(row.k.code) || 0;
      row.count.textContent = util.num(app, n);
      row.cb.setAttribute('aria-label', rowLabel(app, row.k.label, n));
    });
    sections.statuses.rows.forEach(function (row) {
      var n = c.statuses.get(row.s.code) || 0;
      var on = app.state.statusesOn.get(row.s.code) !== false;
      row.cb.checked = on;
      row.cells[3].textContent = util.num(app, n);
      row.cb.setAttribute('aria-label', rowLabel(app, row.s.label, n));
      row.cells.forEach(function (cell) { cell.hidden = !n && on; });
    });
    sections.regions.rows.forEach(function (row) {
      var n = c.regions.get(row.r.code) || 0;
      row.cb.checked = !!app.state.regionsShown.get(row.r.code);
      row.count.textContent = util.num(app, n);
      row.cb.setAttribute('aria-label', regionName(app, row.r, n));
    });
  }

  function LegendControl(app, options) {
    return util.control(options, function () {
      var box = h('details', { className: 'atlas-legend', open: opensAtFirst(app) });
      var shown = h('p', { className: 'atlas-shown', attrs: { 'aria-live': 'polite' } });
      var sections = { kinds: kindSection(app), statuses: statusSection(app), regions: regionSection(app) };
      box.appendChild(h('summary', { textContent: util.t(app, 'legend.title') }));
      box.appendChild(shown);
      box.appendChild(sections.kinds.fieldset);
      box.appendChild(sections.statuses.fieldset);
      box.appendChild(sections.regions.fieldset);
      box.appendChild(resetButton(app));
      app.kindLayers.forEach(function (layer, code) {
        layer.on('add remove', function () { sections.kinds.boxes.get(code).checked = app.map.hasLayer(layer); });
      });
      app.listeners.push(function () { recount(app, shown, sections); });
      util.isolate(box);
      return box;
    });
  }

  lib.legend = { LegendControl: LegendControl, showAll: showAll, opensAtFirst: opensAtFirst };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
