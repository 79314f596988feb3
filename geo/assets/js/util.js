/* geo atlas, util.js: helpers every other file uses: elements, escaping, text folding,
 * colours, the page's words (t) and numbers and dates in the map's language.
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
  // Data text the page lays out (a name in a list, a label, a tooltip) is cut to this many
  // characters: the browser's line breaking costs more than linear time in a text's length,
  // and a name of a megabyte would block the page for minutes.  The popup keeps it whole.
  var SHORT = 120;

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

  /** The first n UTF-16 units of text (null: ''), one fewer rather than half a surrogate pair. */
  function clip(text, n) {
    var s = text === null || text === undefined ? '' : String(text);
    if (s.length <= n) return s;
    var code = s.charCodeAt(n - 1);
    return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
  }

  /** Text to show where it is laid out often: cut to `n` (SHORT) characters and an ellipsis. */
  function short(text, n) {
    var max = n || SHORT;
    var s = text === null || text === undefined ? '' : String(text);
    return s.length <= max ? s : clip(s, max - 1) + '\u2026';
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

  /** The map's locale for Intl (the data document's "locale", a BCP 47 tag such as en-GB). */
  function locale(app) {
    return (app && app.data && app.data.locale) || 'en';
  }

  var FORMATS = new Map(); // Intl formatters by locale and options: made once, used often

  function formatter(kind, tag, options) {
    var key = kind + ' ' + tag + ' ' + JSON.stringify(options);
    var f = FORMATS.get(key);
    if (!f) {
      f = kind === 'plural' ? new Intl.PluralRules(tag)
        : kind === 'date' ? new Intl.DateTimeFormat(tag, options) : new Intl.NumberFormat(tag, options);
      FORMATS.set(key, f);
    }
    return f;
  }

  /** A number in the map's language: its digit grouping and decimal sign, at most `digits` decimals. */
  function num(app, x, digits, exact) {
    var options = { maximumFractionDigits: digits || 0 };
    if (exact) options.minimumFractionDigits = digits || 0;
    return formatter('number', locale(app), options).format(Number(x));
  }

  /** "12.35 km (6.67 nmi)", or metres under a kilometre, in the map's language. */
  function formatKm(app, km) {
    if (km < 1) return t(app, 'units.m', { m: num(app, Math.round(km * 1000)) });
    var nmi = km / 1.852;
    return t(app, 'units.km_nmi', { km: num(app, km, km < 100 ? 2 : 1), nmi: num(app, nmi, nmi < 100 ? 2 : 1) });
  }

  /** "50.98765° N, 4.12346° E" from a page position (longitudes past 180 are shifted ones). */
  function coordsText(app, lat, lon, decimals) {
    if (lon >= 180) lon -= 360;
    else if (lon < -180) lon += 360;
    return t(app, 'coords.text', {
      lat: num(app, Math.abs(lat), decimals, true), ns: t(app, lat >= 0 ? 'coords.north' : 'coords.south'),
      lon: num(app, Math.abs(lon), decimals, true), ew: t(app, lon >= 0 ? 'coords.east' : 'coords.west')
    });
  }

  /**
   * "8 September 2010" from a day written 20100908, in the map's language (other text
   * is left as it is); the first of a month with the catalogue's date.day_one ("1er").
   */
  function dayText(app, day) {
    var m = /^(\d{4})(\d\d)(\d\d)$/.exec(String(day));
    if (!m) return String(day);
    var shape = dayShape(day);
    if (shape === 'year') return String(Number(m[1]));
    var date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, shape === 'month' ? 1 : Number(m[3])));
    date.setUTCFullYear(Number(m[1])); // years before 100 stay themselves
    var fields = shape === 'month' ? { year: 'numeric', month: 'long', timeZone: 'UTC' } : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
    var parts = formatter('date', locale(app), fields).formatToParts(date);
    var one = m[3] === '01' && app && app.words && app.words['date.day_one'];
    return parts.map(function (part) { return part.type === 'day' && one ? one : part.value; }).join('');
  }

  /**
   * How precisely a day number (YYYYMMDD) is known: 'year' (YYYY0000), 'month'
   * (YYYYMM00) or 'day' (geo.render.payload._day_number keeps a date's precision).
   */
  function dayShape(day) {
    var n = Number(day);
    if (n % 10000 === 0) return 'year';
    return n % 100 === 0 ? 'month' : 'day';
  }

  /**
   * The phrase of message `id` around a day number `day`, in the words its precision
   * takes ("Opens in 2005", "Ouverture en mars 2005", "Opens 17 March 2005"): the
   * catalogue's text of `id` in the context of the day's shape (msgctxt "year",
   * "month", "day", sent as "<id>|<shape>"), else its own; {date} is the day's text.
   */
  function dated(app, id, day, params) {
    var words = (app && app.words) || {};
    var shaped = id + '|' + dayShape(day);
    var values = { date: dayText(app, day) };
    Object.keys(params || {}).forEach(function (k) { values[k] = params[k]; });
    return t(app, Object.prototype.hasOwnProperty.call(words, shaped) ? shaped : id, values);
  }

  /**
   * The page's words: the phrase of message `id` in the data document's table
   * (from the map's catalogue, geo/locale), its {placeholders} filled from params
   * as text.  A phrase with plural forms ({one, other, ...}) takes the form that
   * Intl.PluralRules gives for params.n in the map's locale, and writes {n} with
   * the language's digit grouping; other values are written as given.  An id the
   * table lacks reads as itself.
   */
  function t(app, id, params) {
    var words = (app && app.words) || {};
    var text = Object.prototype.hasOwnProperty.call(words, id) ? words[id] : id;
    var own = function (name) { return params && Object.prototype.hasOwnProperty.call(params, name); };
    var counted = own('n') && typeof params.n === 'number';
    if (text && typeof text === 'object') {
      var form = counted ? formatter('plural', locale(app)).select(params.n) : 'other';
      text = Object.prototype.hasOwnProperty.call(text, form) ? text[form] : text.other;
    }
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      if (!own(name)) return all;
      return name === 'n' && counted ? num(app, params.n) : String(params[name]);
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
    SHORT: SHORT,
    clip: clip,
    short: short,
    safeColor: safeColor,
    tint: tint,
    regionFill: regionFill,
    locale: locale,
    num: num,
    formatKm: formatKm,
    coordsText: coordsText,
    dayText: dayText,
    dayShape: dayShape,
    dated: dated,
    t: t,
    control: control,
    isolate: isolate
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
