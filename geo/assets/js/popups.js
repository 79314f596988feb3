/* geo atlas, popups.js: a place's popup (its rows, its state in the timeline's year,
 * its source and a link to it) and the popup listing the places of one grid cell.
 * On a narrow screen every popup opens in the bottom sheet instead (sheet.js).
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var symbolNode = lib.symbols.symbolNode;

  var KeepClear = null; // the popup class, made when first needed (Leaflet loads first)

  /**
   * A popup that opens where no control covers it (layout.popupPadding) or, on a
   * narrow screen, in the bottom sheet (options.app.sheet).
   */
  function popup(app, options) {
    if (!KeepClear) {
      KeepClear = L.Popup.extend({
        _initLayout: function () {
          L.Popup.prototype._initLayout.call(this);
          if (this._closeButton) this._closeButton.setAttribute('aria-label', util.t(this.options.app, 'popup.close'));
        },
        openOn: function (map) {
          var owner = this.options.app;
          if (owner.sheet && lib.layout.narrow()) {
            map.closePopup();
            owner.sheet.show(this);
            return this;
          }
          return L.Popup.prototype.openOn.call(this, map);
        },
        onAdd: function (map) {
          L.Popup.prototype.onAdd.call(this, map);
          if (!this._atlasToggle) { // "Details and sources" opened or closed: fit the popup again
            var self = this;
            this._atlasToggle = function () { // update() less _updateContent (which would close it)
              if (!self._map) return;
              self._updateLayout();
              self._updatePosition();
              self._adjustPan();
            };
            this._container.addEventListener('toggle', this._atlasToggle, true); // toggle does not bubble
          }
        },
        _adjustPan: function () {
          var el = this._container;
          if (el) {
            var pad = lib.layout.popupPadding(this.options.app, el.offsetWidth, el.offsetHeight + 20);
            this.options.autoPanPaddingTopLeft = pad.topLeft;
            this.options.autoPanPaddingBottomRight = pad.bottomRight;
          }
          return L.Popup.prototype._adjustPan.apply(this, arguments);
        }
      });
    }
    return new KeepClear(L.extend({ className: 'atlas-popup-wrap', autoPanPadding: [12, 12], app: app }, options));
  }

  /** A place's popup. */
  function placePopup(app) {
    return popup(app, { maxWidth: 360, minWidth: 300, maxHeight: 420 });
  }

  /** Web addresses in a text of the data: http(s) only, up to a space or a bracket. */
  var URLS = /https?:\/\/[^\s<>"'()[\]{}]+/gi;

  /**
   * A link to an http(s) address, written as its host ("wcoomd.org"), the whole
   * address in its title; null when `href` is not such an address.
   */
  function webLink(href) {
    var url;
    try {
      url = new URL(href);
    } catch {
      return null; // not a URL
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
    var host = url.hostname.replace(/^www\./i, '');
    return h('a', { href: url.href, textContent: host, title: url.href, target: '_blank', rel: 'noopener noreferrer' });
  }

  /** A text of the data as nodes: each http(s) address in it a link (webLink), the rest text. */
  function linked(text) {
    var s = String(text);
    var out = [];
    var at = 0;
    s.replace(URLS, function (found, index) {
      var href = found.replace(/[.,;:!?]+$/, ''); // a sentence's punctuation is not the address's
      var link = webLink(href);
      if (!link) return found;
      if (index > at) out.push(s.slice(at, index));
      out.push(link);
      at = index + href.length;
      return found;
    });
    if (at < s.length) out.push(s.slice(at));
    return out;
  }

  var LONG = 2000; // characters of a row's text shown before "more"

  /**
   * Text of the data, whole: cut to `max` characters when longer, the whole text then in
   * a closed <details> under the words of `more` (the browser lays it out when opened).
   */
  function whole(app, text, max, more) {
    var s = text === null || text === undefined ? '' : String(text);
    if (s.length <= max) return [s];
    return [util.short(s, max), h('details', { className: 'atlas-whole' }, [
      h('summary', { textContent: util.t(app, more) }), h('span', { className: 'atlas-whole-text', textContent: s })
    ])];
  }

  /** A text of a row: its web addresses links; a long one cut, whole under "more". */
  function texts(app, text) {
    var parts = whole(app, text, LONG, 'popup.more');
    return parts.length === 1 ? linked(parts[0]) : parts;
  }

  /** A row's value: text, or a list of items, each text or [head, text, detail]. */
  function valueNode(app, value) {
    if (!Array.isArray(value)) return h('dd', {}, texts(app, value));
    return h('dd', { className: 'atlas-wide' }, [h('ul', { className: 'atlas-items' }, value.map(function (item) {
      if (!Array.isArray(item)) return h('li', {}, texts(app, item));
      return h('li', {}, [
        item[0] ? h('span', { className: 'atlas-item-head', textContent: String(item[0]) }) : null,
        item[0] && item[1] ? ' ' : null,
        item[1] ? h('span', {}, linked(item[1])) : null,
        item[2] ? h('span', { className: 'atlas-item-detail' }, linked(item[2])) : null
      ]);
    }))]);
  }

  /** A list of rows [term, dd]; the Coordinates row (value null) written from lat, lon. */
  function rowList(app, p, rows) {
    var dl = h('dl', { className: 'atlas-props' });
    rows.forEach(function (r) {
      var dd = r[1] === null ? h('dd', { textContent: util.coordsText(app, p.lat, p.lon, app.decimals) }) : r[1];
      if (!(dd instanceof Node)) dd = valueNode(app, dd);
      dl.appendChild(h('dt', { textContent: r[0], className: dd.className === 'atlas-wide' ? 'atlas-wide' : '' }));
      dl.appendChild(dd);
    });
    return dl;
  }

  /**
   * A place's rows: its summary (the first p.fold rows, and its seat at the end of the
   * timeline's year when it differs), then the other rows and its source under a closed
   * "Details and sources" disclosure.
   */
  function details(app, p, now, year) {
    var fold = typeof p.fold === 'number' ? p.fold : p.rows.length;
    var brief = p.rows.slice(0, fold);
    if (year !== null && (now.lat !== p.lat || now.lon !== p.lon)) {
      brief.push([util.t(app, 'popup.seat_at', { year: year }), h('dd', { textContent: util.coordsText(app, now.lat, now.lon, app.decimals) })]);
    }
    var more = p.rows.slice(fold);
    if (p.source) more.push([util.t(app, 'row.source'), h('dd', { className: 'atlas-source' }, linked(p.source))]);
    var out = [brief.length ? rowList(app, p, brief) : null];
    if (more.length) {
      out.push(h('details', { className: 'atlas-more' }, [
        h('summary', { className: 'atlas-more-title', textContent: util.t(app, 'popup.details') }),
        rowList(app, p, more)
      ]));
    }
    return out;
  }

  /** "Copy link": the address of the place (links.js) to the clipboard, or shown to copy by hand. */
  function linkBar(app, p) {
    var t = function (id) { return util.t(app, id); };
    var button = h('button', { type: 'button', className: 'atlas-link-button atlas-copy', textContent: t('popup.copy_link') });
    var bar = h('div', { className: 'atlas-popup-foot' }, [button]);
    function byHand(link) {
      var input = h('input', { type: 'text', readOnly: true, value: link, className: 'atlas-link-text', attrs: { 'aria-label': t('popup.link_label') } });
      bar.textContent = '';
      bar.appendChild(h('label', { className: 'atlas-link-label' }, [t('popup.copy_by_hand'), input]));
      input.focus();
      input.select();
    }
    button.addEventListener('click', function () {
      var link = app.links.placeLink(p.id);
      var clip = navigator.clipboard;
      if (!clip || !window.isSecureContext) { byHand(link); return; }
      clip.writeText(link).then(function () {
        button.textContent = t('popup.copied');
        setTimeout(function () { button.textContent = t('popup.copy_link'); }, 2000);
      }, function () { byHand(link); });
    });
    return bar;
  }

  /** What a place's popup shows, built when it opens. */
  function placeContent(app, p) {
    var kind = p.kindInfo;
    var now = p.now || p.base;
    var year = app.timeline.year();
    var statusClass = 'atlas-status atlas-status-' + (app.statusLabels.has(now.status) ? now.status : 'other');
    var name = whole(app, p.name, util.SHORT, 'popup.full_name'); // [the name, cut; the whole name]
    return h('div', { className: 'atlas-popup' }, [
      h('div', { className: 'atlas-popup-head' }, [
        symbolNode(kind, now.status, 22),
        h('div', {}, [
          h('h2', { className: 'atlas-popup-title', textContent: name[0] }),
          name[1] || null,
          h('p', { className: 'atlas-popup-kind' }, [
            kind.label + ' \u00b7 ',
            h('span', { className: statusClass, textContent: app.statusText(now.status) }),
            year === null ? null : util.t(app, 'popup.at_year', { year: year })
          ])
        ])
      ])
    ].concat(details(app, p, now, year), [
      app.links ? linkBar(app, p) : null
    ]));
  }

  /** What a cell's popup shows: its places (the first 50), each a button that calls choose(p). */
  function cellContent(app, members, choose) {
    var items = members.slice(0, 50).map(function (p) {
      var button = h('button', { type: 'button', className: 'atlas-row-button', textContent: util.short(p.name) });
      button.addEventListener('click', function () { choose(p); });
      return h('li', {}, [symbolNode(p.kindInfo, p.now.status, 14), button]);
    });
    var more = members.length > 50 ? h('p', { className: 'atlas-none', textContent: util.t(app, 'popup.cell_more', { n: members.length - 50 }) }) : null;
    return h('div', { className: 'atlas-popup' }, [
      h('h2', { className: 'atlas-popup-title', textContent: util.t(app, 'popup.cell_title', { n: members.length }) }),
      h('ul', { className: 'atlas-cell-list' }, items), more
    ]);
  }

  lib.popups = { popup: popup, placePopup: placePopup, placeContent: placeContent, cellContent: cellContent, linked: linked };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
