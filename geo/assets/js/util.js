/* geo atlas, util.js: helpers every other file uses: elements, escaping, text folding,
 * colours and number formats.
 *
 * Every file of geo/assets/js adds one part to the namespace object geoAtlasLib
 * (util, decode, geodesy, ...); geo/assets.py joins them in a fixed order into the
 * page's one inline script, and app.js wires them together.  Nothing runs at load
 * time but the definitions, so the pure parts also load in node for unit tests.
 *
 * Data never reaches innerHTML: popups, tooltips, the legend, search results and
 * the list view are built with DOM APIs and textContent.  The only innerHTML
 * written is constant SVG markup and, for Leaflet's layer control (which sets
 * names with innerHTML), text escaped by esc().
 */
(function (lib) {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg';
  var COLOR = /^#[0-9a-fA-F]{6}$/;

  /** Create an element; props are DOM properties, attrs attributes, kids text or nodes. */
  function h(tag, props, kids) {
    var node = document.createElement(tag);
    var key;
    props = props || {};
    for (key in props) {
      if (Object.prototype.hasOwnProperty.call(props, key)) {
        if (key === 'attrs') {
          for (var a in props.attrs) {
            if (Object.prototype.hasOwnProperty.call(props.attrs, a)) node.setAttribute(a, props.attrs[a]);
          }
        } else {
          node[key] = props[key];
        }
      }
    }
    (kids || []).forEach(function (kid) {
      if (kid === null || kid === undefined) return;
      node.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
    });
    return node;
  }

  /** Escape text for the few Leaflet APIs that take HTML (layer control names). */
  function esc(text) {
    return String(text).replace(/[&<>"'`]/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }

  /** Text for search and sorting: no accents, dotless i as i, lower case. */
  function fold(text) {
    return String(text || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\u0131/g, 'i')
      .toLowerCase();
  }

  /** c when it is a #rrggbb colour, else fallback (colours reach SVG markup). */
  function safeColor(c, fallback) {
    return typeof c === 'string' && COLOR.test(c) ? c : fallback;
  }

  /** Mix a #rrggbb colour with white; share = share of white. */
  function tint(c, share) {
    var n = parseInt(c.slice(1), 16);
    var out = [16, 8, 0].map(function (s) {
      var v = (n >> s) & 255;
      return Math.round(v + (255 - v) * share);
    });
    return '#' + out.map(function (v) { return (v < 16 ? '0' : '') + v.toString(16); }).join('');
  }

  /** The light fill of a WCO region's members (basemap, minimap, legend swatch). */
  function regionFill(color) {
    return tint(safeColor(color, '#b3b3b3'), 0.18);
  }

  /** "12.35 km (6.67 nmi)", or metres under a kilometre. */
  function formatKm(km) {
    if (km < 1) return Math.round(km * 1000) + ' m';
    var nmi = km / 1.852;
    return km.toLocaleString('en', { maximumFractionDigits: km < 100 ? 2 : 1 }) + ' km (' +
      nmi.toLocaleString('en', { maximumFractionDigits: nmi < 100 ? 2 : 1 }) + ' nmi)';
  }

  /** "50.98765° N, 4.12346° E" from a page position (longitudes past 180 are shifted ones). */
  function coordsText(lat, lon, decimals) {
    if (lon >= 180) lon -= 360;
    else if (lon < -180) lon += 360;
    return Math.abs(lat).toFixed(decimals) + '\u00b0 ' + (lat >= 0 ? 'N' : 'S') + ', ' +
      Math.abs(lon).toFixed(decimals) + '\u00b0 ' + (lon >= 0 ? 'E' : 'W');
  }

  /** "2010-09-08" from a day written 20100908 (other text is left as it is). */
  function dayText(day) {
    return String(day).replace(/^(\d{4})(\d\d)(\d\d)$/, '$1-$2-$3');
  }

  /**
   * The page's words: the phrase of message `id` in the data document's table
   * (geo/render/words.py), its {placeholders} filled from params as text.  An id
   * the table lacks reads as itself.
   */
  function t(app, id, params) {
    var words = app.words || {};
    var text = Object.prototype.hasOwnProperty.call(words, id) ? String(words[id]) : id;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : all;
    });
  }

  /** A Leaflet control whose onAdd(map) is given; `this` in onAdd is the control. */
  function control(options, onAdd) {
    var Ctl = L.Control.extend({ onAdd: onAdd });
    return new Ctl(options);
  }

  /** Keep clicks and wheel turns on a control from reaching the map. */
  function isolate(el) {
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
  }

  lib.util = {
    SVGNS: SVGNS,
    h: h,
    esc: esc,
    fold: fold,
    safeColor: safeColor,
    tint: tint,
    regionFill: regionFill,
    formatKm: formatKm,
    coordsText: coordsText,
    dayText: dayText,
    t: t,
    control: control,
    isolate: isolate
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
