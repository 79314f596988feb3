/* geo atlas, list.js: the list view, a sortable table of the shown places beside the
 * map (opened by the page's #atlas-list-toggle); a row's name shows it on the map.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var LIST_MAX = 500; // rows the list view draws at most
  var LEGEND_ROOM = 1000; // px: a map narrower than this beside the list folds the legend
  var SORT_MAX = 1000; // characters of a cell the rows are sorted by

  function columns(app) {
    return [
      { key: 'name', get: function (p) { return p.name; } },
      { key: 'kind', get: function (p) { return p.kindInfo.label; } },
      { key: 'country', get: function (p) { return p.country || ''; } },
      { key: 'region', get: function (p) { var r = app.regions.get(p.region); return r ? r.name : ''; } },
      { key: 'status', get: function (p) { return app.statusText(p.now.status); } }
    ].map(function (col) { col.label = util.t(app, 'list.' + col.key); return col; });
  }

  /** The panel and its table, with a sort button per column head. */
  function listPanel(app, list) {
    var headRow = h('tr');
    list.heads = list.columns.map(function (col) {
      var btn = h('button', { type: 'button', className: 'atlas-sort', textContent: col.label });
      var th = h('th', { scope: 'col', attrs: { 'aria-sort': 'none' } }, [btn]);
      btn.addEventListener('click', function () {
        list.sortDir = list.sortKey === col.key ? -list.sortDir : 1;
        list.sortKey = col.key;
        render(app, list);
      });
      headRow.appendChild(th);
      return { col: col, th: th };
    });
    var table = h('table', { className: 'atlas-table' }, [list.caption, h('thead', {}, [headRow]), list.tbody]);
    list.panel.appendChild(h('div', { className: 'atlas-list-head' }, [h('h2', { textContent: util.t(app, 'list.title') }), list.close]));
    list.panel.appendChild(h('div', { className: 'atlas-table-wrap' }, [table]));
  }

  /** The row of a place, made when first listed; its status cells follow the timeline. */
  function rowOf(app, list, p) {
    if (!p.row) {
      var nameButton = h('button', { type: 'button', className: 'atlas-row-button', textContent: util.short(p.name) });
      var first = h('td', {}, [nameButton]);
      var status = h('td');
      var tr = h('tr', {}, [
        first,
        h('td', { textContent: p.kindInfo.label }),
        h('td', { textContent: util.short(p.country) }),
        h('td', { textContent: util.short(list.columns[3].get(p)) }),
        status
      ]);
      tr.dataset.id = p.id;
      tr.addEventListener('click', function () {
        if (lib.layout.narrow() && app.list) app.list.setOpen(false); // the place shows above its sheet
        app.select(p.id);
      });
      p.row = { tr: tr, first: first, status: status, shows: null };
    }
    var row = p.row;
    if (row.shows !== p.now.status) {
      if (row.first.firstChild.classList.contains('atlas-symbol')) row.first.removeChild(row.first.firstChild);
      row.first.insertBefore(lib.symbols.symbolNode(p.kindInfo, p.now.status, 14), row.first.firstChild);
      row.status.textContent = app.statusText(p.now.status);
      row.shows = p.now.status;
    }
    return row.tr;
  }

  /** The shown places, sorted, at most LIST_MAX of them (a long list is no help). */
  function render(app, list) {
    if (list.panel.hidden) return;
    var col = list.columns.filter(function (c) { return c.key === list.sortKey; })[0];
    list.heads.forEach(function (hd) {
      hd.th.setAttribute('aria-sort', hd.col.key === list.sortKey ? (list.sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
    var shown = [];
    app.places.forEach(function (p) { if (p.on) shown.push({ p: p, key: util.fold(util.clip(col.get(p), SORT_MAX)) }); });
    shown.sort(function (a, b) {
      return (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) * list.sortDir || (a.p.id < b.p.id ? -1 : 1);
    });
    var rows = document.createDocumentFragment();
    shown.slice(0, LIST_MAX).forEach(function (s) { rows.appendChild(rowOf(app, list, s.p)); });
    list.tbody.textContent = '';
    list.tbody.appendChild(rows);
    list.caption.textContent = util.t(app, shown.length > LIST_MAX ? 'list.caption_long' : 'list.caption', {
      shown: util.num(app, shown.length), n: app.places.length, max: util.num(app, LIST_MAX)
    });
  }

  /** The list view, in the page's #atlas-main: {panel, setOpen(open), rows()}. */
  function buildList(app) {
    var toggle = document.getElementById('atlas-list-toggle');
    var list = {
      columns: columns(app),
      sortKey: 'name',
      sortDir: 1,
      panel: h('aside', { id: 'atlas-list', className: 'atlas-list', hidden: true, attrs: { 'aria-label': toggle ? toggle.textContent : '' } }),
      caption: h('caption', {}),
      tbody: h('tbody'),
      close: h('button', { type: 'button', className: 'atlas-close', textContent: '\u00d7', title: util.t(app, 'list.close'), attrs: { 'aria-label': util.t(app, 'list.close') } })
    };
    listPanel(app, list);
    document.getElementById('atlas-main').appendChild(list.panel);
    app.listeners.push(function () { render(app, list); });
    var folded = false; // whether opening the list folded the legend
    function setOpen(open) {
      list.panel.hidden = !open;
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      document.body.classList.toggle('atlas-list-open', open);
      render(app, list);
      app.map.invalidateSize();
      // the open legend must not cover the part of the map the list leaves
      var legend = app.legend && app.legend.getContainer();
      if (open && legend && legend.open && app.map.getSize().x < LEGEND_ROOM) { legend.open = false; folded = true; }
      if (!open && folded && legend) { legend.open = true; folded = false; }
    }
    if (toggle) toggle.addEventListener('click', function () { setOpen(list.panel.hidden); });
    list.close.addEventListener('click', function () { setOpen(false); if (toggle) toggle.focus(); });
    return { panel: list.panel, setOpen: setOpen, rows: function () { return list.tbody.querySelectorAll('tr:not([hidden])').length; } };
  }

  lib.list = { buildList: buildList };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
