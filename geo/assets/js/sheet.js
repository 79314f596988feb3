/* geo atlas, sheet.js: the bottom sheet, a phone's popup.  On a narrow screen a place's
 * details open in a panel along the bottom of the page, fully inside the screen, with
 * a close button in reach; the map moves so that the place shows above it.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var keys = lib.keys;
  var ROOM = 28; // px kept between the selected place and the sheet or the controls

  /** The sheet of a page, in #atlas-main: show(popup), hide(), isOpen(), node. */
  function Sheet(app) {
    var t = function (id) { return util.t(app, id); };
    var close = h('button', { type: 'button', className: 'atlas-close atlas-sheet-close', textContent: '\u00d7', title: t('popup.close'), attrs: { 'aria-label': t('popup.close') } });
    var body = h('div', { className: 'atlas-sheet-body' });
    var node = h('section', { id: 'atlas-sheet', className: 'atlas-sheet', hidden: true, attrs: { role: 'dialog', 'aria-modal': 'false' } }, [close, body]);
    (document.getElementById('atlas-main') || document.body).appendChild(node);
    var source = null; // the marker whose details show
    var opener = null; // what had focus when the sheet opened: focus goes back there
    var sheet = {
      node: node,
      isOpen: function () { return !node.hidden; },
      /** The marker whose details show, or null. */
      source: function () { return source; },
      /** Show a popup's content; `again`: the same place, new content, the map left as it is. */
      show: function (popup, again) {
        var content = popup._content;
        source = popup._source || null;
        if (typeof content === 'function') content = content(source);
        body.textContent = '';
        body.appendChild(typeof content === 'string' ? document.createTextNode(content) : content);
        var title = body.querySelector('.atlas-popup-title');
        node.setAttribute('aria-label', title ? title.textContent : '');
        if (node.hidden) opener = node.contains(document.activeElement) ? null : document.activeElement;
        node.hidden = false;
        if (again) return;
        body.scrollTop = 0;
        close.focus({ preventScroll: true });
        reveal(app, popup.getLatLng() || (source && source.getLatLng && source.getLatLng()));
        if (app.placeOpened) app.placeOpened(source && source.atlasPlace);
      },
      hide: function () {
        if (node.hidden) return;
        var active = document.activeElement;
        var inside = node.contains(active) || !active || active === document.body;
        node.hidden = true;
        body.textContent = '';
        var marker = source, back = opener;
        source = opener = null;
        if (inside) keys.giveBack(app, back, marker);
        if (app.placeOpened) app.placeOpened(null);
      }
    };
    close.addEventListener('click', sheet.hide);
    node.addEventListener('keydown', function (e) { if (e.key === 'Escape') sheet.hide(); });
    app.map.on('click', function () { if (!app.map.getContainer().classList.contains('atlas-measuring')) sheet.hide(); });
    return sheet;
  }

  /** Pan the map so that latlng shows between the top controls and the sheet. */
  function reveal(app, latlng) {
    if (!latlng) return;
    var map = app.map;
    var size = map.getSize();
    var box = map.getContainer().getBoundingClientRect();
    var sheetTop = app.sheet.node.getBoundingClientRect().top - box.top;
    var top = 0;
    lib.layout.obstacles(app).forEach(function (r) {
      if (r.bottom < size.y / 2 && r.right - r.left > size.x / 2) top = Math.max(top, r.bottom);
    });
    var low = Math.min(size.y, sheetTop) - ROOM;
    var high = top + ROOM;
    var p = map.latLngToContainerPoint(latlng);
    var dy = p.y > low || p.y < high ? p.y - (high + Math.max(0, low - high) / 2) : 0;
    var dx = p.x < ROOM || p.x > size.x - ROOM ? p.x - size.x / 2 : 0;
    if (dx || dy) map.panBy([dx, dy], { animate: false });
  }

  lib.sheet = { Sheet: Sheet };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
