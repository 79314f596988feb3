/* geo atlas, popups.js: a place's popup (its rows, its state in the timeline's year and
 * its source) and the popup listing the places of one grid cell.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var symbolNode = lib.symbols.symbolNode;

  var KeepClear = null; // the popup class, made when first needed (Leaflet loads first)

  /** A place's popup: it keeps clear of the legend (app.legendWidth()) when it pans the map. */
  function placePopup(app) {
    if (!KeepClear) {
      KeepClear = L.Popup.extend({
        _adjustPan: function () {
          var right = Math.max(40, this.options.legendWidth());
          this.options.autoPanPaddingBottomRight = [right, 40];
          this.options.autoPanPaddingTopLeft = [60, 40];
          return L.Popup.prototype._adjustPan.apply(this, arguments);
        }
      });
    }
    return new KeepClear({
      maxWidth: 340, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40], className: 'atlas-popup-wrap',
      legendWidth: app.legendWidth
    });
  }

  /** A link to an http(s) source, or null (then the source shows as text). */
  function sourceLink(p) {
    if (!p.href || !/^https?:\/\//i.test(p.href)) return null;
    try {
      var url = new URL(p.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        return h('a', { href: url.href, textContent: p.source, target: '_blank', rel: 'noopener noreferrer' });
      }
    } catch {
      return null; // not a URL
    }
    return null;
  }

  /** The rows of a place, its seat at the end of the timeline's year when it differs, its source. */
  function details(app, p, now, year) {
    var dl = h('dl', { className: 'atlas-props' });
    function row(term, dd) {
      dl.appendChild(h('dt', { textContent: term }));
      dl.appendChild(dd);
    }
    p.rows.forEach(function (r) {
      row(r[0], h('dd', { textContent: r[1] === null ? util.coordsText(p.lat, p.lon, app.decimals) : r[1] }));
    });
    if (year !== null && (now.lat !== p.lat || now.lon !== p.lon)) {
      row('Seat at the end of ' + year, h('dd', { textContent: util.coordsText(now.lat, now.lon, app.decimals) }));
    }
    if (p.source) row('Source', h('dd', { className: 'atlas-source' }, [sourceLink(p) || p.source]));
    return dl;
  }

  /** What a place's popup shows, built when it opens. */
  function placeContent(app, p) {
    var kind = p.kindInfo;
    var now = p.now || p.base;
    var year = app.timeline.year();
    var statusClass = 'atlas-status atlas-status-' + (app.statusLabels.has(now.status) ? now.status : 'other');
    return h('div', { className: 'atlas-popup' }, [
      h('div', { className: 'atlas-popup-head' }, [
        symbolNode(kind, now.status, 22),
        h('div', {}, [
          h('h2', { className: 'atlas-popup-title', textContent: p.name }),
          h('p', { className: 'atlas-popup-kind' }, [
            kind.label + ' \u00b7 ',
            h('span', { className: statusClass, textContent: app.statusText(now.status) }),
            year === null ? null : ' at the end of ' + year
          ])
        ])
      ]),
      details(app, p, now, year)
    ]);
  }

  /** What a cell's popup shows: its places (the first 50), each a button that calls choose(p). */
  function cellContent(members, choose) {
    var items = members.slice(0, 50).map(function (p) {
      var button = h('button', { type: 'button', className: 'atlas-row-button', textContent: p.name });
      button.addEventListener('click', function () { choose(p); });
      return h('li', {}, [symbolNode(p.kindInfo, p.now.status, 14), button]);
    });
    var more = members.length > 50 ? h('p', { className: 'atlas-none', textContent: (members.length - 50) + ' more: search for them' }) : null;
    return h('div', { className: 'atlas-popup' }, [
      h('h2', { className: 'atlas-popup-title', textContent: members.length + ' places here' }),
      h('ul', { className: 'atlas-cell-list' }, items), more
    ]);
  }

  lib.popups = { placePopup: placePopup, placeContent: placeContent, cellContent: cellContent };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
