/* geo atlas: builds the map page from the JSON data document.
 *
 * Data never reaches innerHTML: popups, tooltips, the legend, search results
 * and the list view are built with DOM APIs and textContent.  The only
 * innerHTML written here is constant SVG markup and, for Leaflet's layer
 * control (which sets names with innerHTML), text escaped by esc().
 */
(function () {
  'use strict';

  var SVGNS = 'http://www.w3.org/2000/svg';
  var COLOR = /^#[0-9a-fA-F]{6}$/;
  var SHAPES = {
    circle: '<circle cx="12" cy="12" r="8.5"/>',
    square: '<rect x="4" y="4" width="16" height="16" rx="1.5"/>',
    triangle: '<path d="M12 2.8 21.6 19.8H2.4Z"/>',
    diamond: '<path d="M12 2 22 12 12 22 2 12Z"/>',
    star: '<path d="M12 2.3 14.59 9.24 21.99 9.56 16.18 14.16 18.17 21.29 12 17.2 5.83 21.29 7.82 14.16 2.01 9.56 9.41 9.24Z"/>',
    pentagon: '<path d="M12 3.1 21.04 9.66 17.58 20.29H6.42L2.96 9.66Z"/>'
  };
  var TILES = [
    {
      name: 'OpenStreetMap (online)',
      url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      options: {
        maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
      }
    },
    {
      name: 'CARTO light (online)',
      url: 'https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png',
      options: {
        maxZoom: 20,
        subdomains: 'abcd',
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors &copy; <a href="https://carto.com/attributions">CARTO</a>'
      }
    }
  ];
  var LAND = '#f3f0ea';
  var SELECT_ZOOM = 8;
  var LAND_EDGE = '#c9c3b8';
  var GRID_PX = 64; // the grid's cell, CSS pixels
  var LIST_MAX = 500; // rows the list view draws at most
  var PLAY_MS = 900; // one year of the timeline's play
  var ICONS = {
    fullscreen: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" fill="none" stroke="currentColor" stroke-width="2.2"/></svg>',
    play: '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M7 4.5v15l12-7.5Z" fill="currentColor"/></svg>',
    pause: '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M6 4.5h4v15H6zM14 4.5h4v15h-4z" fill="currentColor"/></svg>',
    measure: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M3 16 16 3l5 5L8 21Z" fill="none" stroke="currentColor" stroke-width="2"/><path d="M7 12l2 2M10 9l2 2M13 6l2 2" stroke="currentColor" stroke-width="2"/></svg>'
  };

  // ------------------------------------------------------------------ helpers

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

  function fold(text) {
    return String(text || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\u0131/g, 'i')
      .toLowerCase();
  }

  function safeColor(c, fallback) {
    return typeof c === 'string' && COLOR.test(c) ? c : fallback;
  }

  /** Mix a #rrggbb colour with white; t = share of white. */
  function tint(c, t) {
    var n = parseInt(c.slice(1), 16);
    var out = [16, 8, 0].map(function (s) {
      var v = (n >> s) & 255;
      return Math.round(v + (255 - v) * t);
    });
    return '#' + out.map(function (v) { return (v < 16 ? '0' : '') + v.toString(16); }).join('');
  }

  /** Constant SVG markup of a symbol: shape and colour from the legend, style from status. */
  function symbolSvg(kind, status, size) {
    var shape = SHAPES[kind.shape] || SHAPES.pentagon;
    var color = safeColor(kind.color, '#5d6d7e');
    var fill = color;
    var stroke = '#17202a';
    var extra = '';
    var dash = '';
    if (status === 'planned') {
      fill = '#ffffff';
      stroke = color;
      dash = ' stroke-dasharray="3 2"';
    } else if (status === 'closed') {
      fill = '#a6acaf';
      stroke = '#566573';
    } else if (status === 'under_construction') {
      extra = '<g fill="url(#atlas-stripes)" stroke="none">' + shape + '</g>';
    }
    var s = Math.max(8, Math.min(64, Number(size) || 18));
    return '<svg xmlns="' + SVGNS + '" viewBox="0 0 24 24" width="' + s + '" height="' + s +
      '" aria-hidden="true" focusable="false"><g stroke-linejoin="round">' +
      '<g fill="' + fill + '" stroke="#ffffff" stroke-width="4.2">' + shape + '</g>' +
      '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + (status === 'planned' ? 2.4 : 1.4) + '"' + dash + '>' + shape + '</g>' +
      extra + '</g></svg>';
  }

  function symbolNode(kind, status, size) {
    var span = h('span', { className: 'atlas-symbol' });
    span.innerHTML = symbolSvg(kind, status, size); // constant markup, see symbolSvg
    return span;
  }

  /** Decode a polyline-algorithm string into [lat, lon] pairs (grid of `scale` per degree). */
  function decode(str, scale) {
    var out = [];
    var i = 0;
    var lat = 0;
    var lon = 0;
    function next() {
      var result = 0;
      var shift = 0;
      var b;
      do {
        b = str.charCodeAt(i++) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20);
      return result & 1 ? ~(result >> 1) : result >> 1;
    }
    while (i < str.length) {
      lat += next();
      lon += next();
      out.push([lat / scale, lon / scale]);
    }
    return out;
  }

  var RAD = Math.PI / 180;

  /** Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), km. */
  function geodesicKm(a, b) {
    var A = 6378137.0;
    var F = 1 / 298.257223563;
    var B = A * (1 - F);
    var L = ((((b.lng - a.lng) % 360) + 540) % 360 - 180) * RAD;
    var U1 = Math.atan((1 - F) * Math.tan(a.lat * RAD));
    var U2 = Math.atan((1 - F) * Math.tan(b.lat * RAD));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L, prev, iter = 0;
    var sinS, cosS, sigma, sinAlpha, cos2Alpha, cos2SM, C;
    do {
      var sinL = Math.sin(lambda), cosL = Math.cos(lambda);
      sinS = Math.sqrt(Math.pow(cosU2 * sinL, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosL, 2));
      if (sinS === 0) return 0;
      cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sigma = Math.atan2(sinS, cosS);
      sinAlpha = cosU1 * cosU2 * sinL / sinS;
      cos2Alpha = 1 - sinAlpha * sinAlpha;
      cos2SM = cos2Alpha !== 0 ? cosS - 2 * sinU1 * sinU2 / cos2Alpha : 0;
      C = F / 16 * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
      prev = lambda;
      lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinS * (cos2SM + C * cosS * (-1 + 2 * cos2SM * cos2SM)));
    } while (Math.abs(lambda - prev) > 1e-12 && ++iter < 200);
    if (iter >= 200) {
      // Nearly antipodal points: Vincenty does not converge; the sphere is within 0.5 %.
      return 6371.0088 * sigma;
    }
    var u2 = cos2Alpha * (A * A - B * B) / (B * B);
    var k = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    var K = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    var dS = k * sinS * (cos2SM + k / 4 * (cosS * (-1 + 2 * cos2SM * cos2SM) -
      k / 6 * cos2SM * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2SM * cos2SM)));
    return B * K * (sigma - dS) / 1000;
  }

  /** Points along the great circle from a to b, longitudes kept continuous. */
  function greatCircle(a, b) {
    function vec(p) {
      return [Math.cos(p.lat * RAD) * Math.cos(p.lng * RAD), Math.cos(p.lat * RAD) * Math.sin(p.lng * RAD), Math.sin(p.lat * RAD)];
    }
    var va = vec(a), vb = vec(b);
    var dot = Math.max(-1, Math.min(1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
    var omega = Math.acos(dot);
    var n = Math.max(1, Math.ceil(omega / RAD / 2));
    var pts = [];
    var lastLng = a.lng;
    for (var i = 0; i <= n; i++) {
      var t = i / n;
      var wa = omega ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
      var wb = omega ? Math.sin(t * omega) / Math.sin(omega) : t;
      var x = wa * va[0] + wb * vb[0], y = wa * va[1] + wb * vb[1], z = wa * va[2] + wb * vb[2];
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / RAD;
      var lng = Math.atan2(y, x) / RAD;
      while (lng - lastLng > 180) lng -= 360;
      while (lng - lastLng < -180) lng += 360;
      lastLng = lng;
      pts.push([lat, lng]);
    }
    return pts;
  }

  function formatKm(km) {
    if (km < 1) return Math.round(km * 1000) + ' m';
    var nmi = km / 1.852;
    return km.toLocaleString('en', { maximumFractionDigits: km < 100 ? 2 : 1 }) + ' km (' +
      nmi.toLocaleString('en', { maximumFractionDigits: nmi < 100 ? 2 : 1 }) + ' nmi)';
  }

  function defs() {
    var svg = document.createElementNS(SVGNS, 'svg');
    svg.setAttribute('class', 'atlas-defs');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('width', '0');
    svg.setAttribute('height', '0');
    svg.innerHTML = // constant markup
      '<defs>' +
      '<pattern id="atlas-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">' +
      '<rect width="7" height="7" fill="#ebe9e4"/><rect width="2" height="7" fill="#c4c0b8"/></pattern>' +
      '<pattern id="atlas-stripes" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">' +
      '<rect width="2.2" height="5" fill="#ffffff" fill-opacity="0.85"/></pattern>' +
      '</defs>';
    document.body.appendChild(svg);
  }


  /** Strings of a table column: dictionary-coded or front-coded (geo.render._encode_strings). */
  function strings(col) {
    if (col.dict) return col.index.map(function (i) { return col.dict[i]; });
    var out = new Array(col.rest.length);
    var prev = '';
    for (var i = 0; i < out.length; i++) {
      prev = prev.slice(0, col.front[i]) + col.rest[i];
      out[i] = prev;
    }
    return out;
  }

  /**
   * The places of the data document: its lines as they are, or objects made from
   * the compact table (each place shares its profile's rows and life).
   */
  function readPlaces(data) {
    if (!data.table) return data.places;
    var t = data.table;
    var ids = strings(t.id);
    var names = strings(t.name);
    var pos = decode(t.coords, t.scale);
    var out = new Array(t.n);
    for (var i = 0; i < t.n; i++) {
      var pr = t.profiles[t.profile[i]];
      out[i] = {
        id: ids[i], name: names[i], lat: pos[i][0], lon: pos[i][1],
        kind: pr.kind, status: pr.status, region: pr.region, country: pr.country,
        source: pr.source, href: pr.href, terms: pr.terms, rows: pr.rows, life: pr.life
      };
    }
    return out;
  }

  /** "50.98765° N, 4.12346° E" from a page position (longitudes past 180 are shifted ones). */
  function coordsText(lat, lon, decimals) {
    if (lon >= 180) lon -= 360;
    else if (lon < -180) lon += 360;
    return Math.abs(lat).toFixed(decimals) + '\u00b0 ' + (lat >= 0 ? 'N' : 'S') + ', ' +
      Math.abs(lon).toFixed(decimals) + '\u00b0 ' + (lon >= 0 ? 'E' : 'W');
  }

  /**
   * A place at the end of a day (YYYYMMDD): {status, lat, lon}, or null before it
   * existed.  Life pieces are [from, to, status, lat, lon]; missing items are the
   * place's own (geo.render._life).  A place with no life is always as it is now.
   */
  function stateAt(p, day) {
    var life = p.life;
    if (!life) return p.base;
    for (var k = 0; k < life.length; k++) {
      var s = life[k];
      var from = s.length > 0 ? s[0] : null;
      var to = s.length > 1 ? s[1] : null;
      if ((from === null || from <= day) && (to === null || day < to)) {
        if (s.length <= 2 || (s.length === 3 && s[2] === p.status)) return p.base;
        return { status: s[2], lat: s.length > 3 ? s[3] : p.lat, lon: s.length > 4 ? s[4] : p.lon };
      }
    }
    return null;
  }

  function sameState(a, b) {
    return a === b || (!!a && !!b && a.status === b.status && a.lat === b.lat && a.lon === b.lon);
  }

  /** Web Mercator of a position: x, y in [0, 1] across the world at zoom 0 (as Leaflet's EPSG:3857). */
  var MAX_LAT = 85.0511287798;
  function mercator(lat, lon) {
    var phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
    return [(lon + 180) / 360, 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)];
  }

  // ------------------------------------------------------------------ the page

  function init(map, dataElement) {
    var data = JSON.parse(dataElement.textContent);
    var api = window.geoAtlas;
    var t0 = window.performance ? performance.now() : 0;
    defs();

    var kinds = new Map();
    data.kinds.forEach(function (k, i) { k.index = i; kinds.set(k.code, k); });
    var regions = new Map();
    data.regions.forEach(function (r) { regions.set(r.code, r); });
    var statusLabels = new Map();
    data.statuses.forEach(function (s) { statusLabels.set(s.code, s.label); });
    var focus = data.focus;
    var state = { regionsOn: true, online: false, kindsOn: new Map(), regionsShown: new Map() };
    var timeline = Timeline(data.timeline);
    var yearCache = { key: null, counts: null }; // countsPerYear's last answer
    var booting = true; // no refresh until every control is in place
    data.kinds.forEach(function (k) { state.kindsOn.set(k.code, true); });
    data.regions.forEach(function (r) { state.regionsShown.set(r.code, true); });

    map.attributionControl.addAttribution('Basemap: Natural Earth (public domain)');

    // ---- basemap: countries, coloured by WCO region

    map.createPane('atlas-countries');
    map.getPane('atlas-countries').style.zIndex = 350;
    var renderer = L.svg({ pane: 'atlas-countries', padding: 0.6 });
    var countryLayers = [];
    var countries = L.featureGroup();
    data.countries.forEach(function (row) {
      var latlngs = row[4].map(function (part) {
        return part.map(function (ring) { return decode(ring, 100); });
      });
      var poly = L.polygon(latlngs, { renderer: renderer, pane: 'atlas-countries', smoothFactor: 0.6 });
      poly.atlasCountry = { iso3: row[0], name: row[1], region: row[2], member: row[3] };
      poly.bindTooltip(countryTooltip, {
        sticky: true, direction: 'top', className: 'atlas-country-tip', opacity: 0.95
      });
      countryLayers.push(poly);
      countries.addLayer(poly);
    });

    /** Tooltip of a country, built when first shown. */
    function countryTooltip(poly) {
      var c = poly.atlasCountry;
      var region = regions.get(c.region);
      var status = c.member ? 'WCO Member' + (region ? ' \u00b7 ' + region.name : '') : 'Not a WCO Member';
      return h('span', {}, [h('strong', { textContent: c.name || c.iso3 }), h('br'), status]);
    }

    function countryStyle(c) {
      var region = regions.get(c.region);
      var coloured = state.regionsOn && c.member && region && region.color;
      var fill = coloured ? tint(safeColor(region.color, '#b3b3b3'), 0.18) : LAND;
      if (state.regionsOn && !c.member) fill = 'url(#atlas-hatch)';
      var dim = focus && c.region !== focus;
      if (dim && fill.charAt(0) === '#') fill = tint(fill, 0.6);
      var opacity = state.online ? (state.regionsOn && c.member ? 0.45 : 0) : 1;
      if (state.online && dim) opacity *= 0.4;
      return {
        color: state.online ? '#555555' : coloured ? '#ffffff' : LAND_EDGE,
        weight: focus && c.region === focus && c.member ? 1 : 0.6,
        opacity: state.online ? 0.5 : 1,
        fillColor: fill,
        fillOpacity: opacity
      };
    }
    function restyleCountries() {
      countryLayers.forEach(function (p) { p.setStyle(countryStyle(p.atlasCountry)); });
      map.getContainer().classList.toggle('atlas-online', state.online);
    }
    restyleCountries();

    // ---- places

    var places = readPlaces(data);
    var large = !!data.grid; // geo.render.GRID_THRESHOLD
    var decimals = data.table ? Math.round(Math.log10(data.table.scale)) : 5;
    places.forEach(function (p) {
      p.kindInfo = kinds.get(p.kind);
      p.base = { status: p.status, lat: p.lat, lon: p.lon };
      p.now = p.base;
      p.on = false;
    });
    var byId = new Map();
    places.forEach(function (p) { byId.set(p.id, p); });
    var listeners = [];

    /** A popup that keeps clear of the legend when it pans the map. */
    var AtlasPopup = L.Popup.extend({
      _adjustPan: function () {
        var right = Math.max(40, legendWidth());
        this.options.autoPanPaddingBottomRight = [right, 40];
        this.options.autoPanPaddingTopLeft = [60, 40];
        return L.Popup.prototype._adjustPan.apply(this, arguments);
      }
    });
    var legend = null;
    /** Room the open legend takes on the right, when the map is wide enough to spare it. */
    function legendWidth() {
      var box = legend && legend.getContainer();
      if (!box || !box.open) return 0;
      var width = box.offsetWidth + 24;
      return map.getSize().x - width > 420 ? width : 0;
    }

    /** One divIcon per kind, status and emphasis, shared by every marker that looks so. */
    var icons = new Map();
    function iconFor(p, status) {
      var dim = !!focus && p.region !== focus;
      var key = p.kind + '\u0000' + status + '\u0000' + dim;
      var icon = icons.get(key);
      if (!icon) {
        var kind = p.kindInfo;
        var size = kind.size;
        icon = L.divIcon({
          html: symbolSvg(kind, status, size),
          className: 'atlas-marker' + (dim ? ' atlas-dim' : ''),
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2],
          popupAnchor: [0, -size / 2],
          tooltipAnchor: [0, -size / 2]
        });
        icons.set(key, icon);
      }
      return icon;
    }

    /** The marker of a place, made when first needed, drawn as the place is now. */
    function markerOf(p) {
      if (p.marker) return p.marker;
      var label = p.name + ' (' + p.kindInfo.label + ')';
      var marker = L.marker([p.now.lat, p.now.lon], {
        icon: iconFor(p, p.now.status), keyboard: true, title: p.name, alt: p.name, riseOnHover: true
      });
      marker.on('add', function () {
        var el = marker.getElement();
        if (el) el.setAttribute('aria-label', label);
      });
      marker.bindTooltip(document.createTextNode(p.name), { direction: 'top', className: 'atlas-tip' });
      marker.bindPopup(new AtlasPopup({
        maxWidth: 340, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40], className: 'atlas-popup-wrap'
      }).setContent(function () { return popupContent(p); }));
      marker.atlasPlace = p;
      p.marker = marker;
      p.drawn = p.now;
      return marker;
    }

    /** Give a place's marker the status and position the place has now. */
    function restyle(p) {
      var m = p.marker;
      if (!m || sameState(p.drawn, p.now) || !p.now) return;
      if (p.drawn.status !== p.now.status) m.setIcon(iconFor(p, p.now.status));
      if (p.drawn.lat !== p.now.lat || p.drawn.lon !== p.now.lon) m.setLatLng([p.now.lat, p.now.lon]);
      p.drawn = p.now;
    }

    function clusterSize(n) {
      return n < 10 ? 34 : n < 100 ? 40 : n < 10000 ? 48 : 56;
    }
    function clusterIcon(n) {
      var size = clusterSize(n);
      return L.divIcon({
        // n is a number: safe markup
        html: '<span aria-hidden="true">' + n + '</span><span class="atlas-sr">' + n + ' places: zoom in</span>',
        className: 'atlas-cluster',
        iconSize: L.point(size, size)
      });
    }

    /** Which places show: the kind and region filters, and the timeline's year. */
    function refresh() {
      if (booting) return;
      var day = timeline.day();
      for (var i = 0; i < places.length; i++) {
        var p = places[i];
        p.now = day === null ? p.base : stateAt(p, day);
        p.on = !!p.now && !!state.kindsOn.get(p.kind) && !!state.regionsShown.get(p.region);
      }
      view.sync();
      listeners.forEach(function (fn) { fn(); });
    }

    function statusText(status) {
      return statusLabels.get(status) || status;
    }

    function popupContent(p) {
      var kind = p.kindInfo;
      var now = p.now || p.base;
      var year = timeline.year();
      var dl = h('dl', { className: 'atlas-props' });
      p.rows.forEach(function (row) {
        dl.appendChild(h('dt', { textContent: row[0] }));
        dl.appendChild(h('dd', { textContent: row[1] === null ? coordsText(p.lat, p.lon, decimals) : row[1] }));
      });
      if (year !== null && (now.lat !== p.lat || now.lon !== p.lon)) {
        dl.appendChild(h('dt', { textContent: 'Seat at the end of ' + year }));
        dl.appendChild(h('dd', { textContent: coordsText(now.lat, now.lon, decimals) }));
      }
      if (p.source) {
        dl.appendChild(h('dt', { textContent: 'Source' }));
        var link = null;
        if (p.href && /^https?:\/\//i.test(p.href)) {
          try {
            var url = new URL(p.href);
            if (url.protocol === 'http:' || url.protocol === 'https:') {
              link = h('a', { href: url.href, textContent: p.source, target: '_blank', rel: 'noopener noreferrer' });
            }
          } catch (e) {
            link = null;
          }
        }
        dl.appendChild(h('dd', { className: 'atlas-source' }, [link || p.source]));
      }
      return h('div', { className: 'atlas-popup' }, [
        h('div', { className: 'atlas-popup-head' }, [
          symbolNode(kind, now.status, 22),
          h('div', {}, [
            h('h2', { className: 'atlas-popup-title', textContent: p.name }),
            h('p', { className: 'atlas-popup-kind' }, [
              kind.label + ' \u00b7 ',
              h('span', { className: 'atlas-status atlas-status-' + (statusLabels.has(now.status) ? now.status : 'other'), textContent: statusText(now.status) }),
              year === null ? null : ' at the end of ' + year
            ])
          ])
        ]),
        dl
      ]);
    }

    // ---- the view of the places: Leaflet.markercluster, or a grid for large maps

    /** Every place has a marker in one MarkerClusterGroup; filtered ones are taken out. */
    function ClusterView() {
      var cluster = L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 36,
        spiderfyOnMaxZoom: true,
        iconCreateFunction: function (group) { return clusterIcon(group.getChildCount()); }
      });
      var inCluster = new Set();
      places.forEach(markerOf);

      function sync() {
        var add = [], remove = [], changed = [];
        places.forEach(function (p) {
          var has = inCluster.has(p);
          var moved = !sameState(p.drawn, p.now);
          if (has && (!p.on || moved)) { remove.push(p.marker); inCluster.delete(p); }
          if (p.on && (moved || !has)) {
            add.push(p.marker);
            inCluster.add(p);
            if (moved) changed.push(p);
          }
        });
        if (remove.length) cluster.removeLayers(remove); // before markers move: the plugin finds them by position
        changed.forEach(restyle);
        if (add.length) cluster.addLayers(add);
      }

      /** Zoom (at most to SELECT_ZOOM) until the place leaves its cluster, else spiderfy. */
      function select(p) {
        var marker = p.marker;
        map.closePopup();
        function open() { marker.openPopup(); }
        // Like MarkerClusterGroup.zoomToShowLayer, which zooms as deep as the map allows
        // (street level for two offices in one city); the fields read here are the plugin's.
        var done = false;
        function show() {
          if (done || cluster._inZoomAnimation) return;
          var parent = cluster.getVisibleParent(marker);
          if (!parent) return;
          done = true;
          map.off('moveend', show);
          cluster.off('animationend', show);
          if (parent === marker) {
            open();
          } else {
            cluster.once('spiderfied', open);
            parent.spiderfy();
          }
        }
        var latlng = marker.getLatLng();
        var zoom = Math.max(map.getZoom(), Math.min(SELECT_ZOOM, marker.__parent._zoom + 1));
        if (map.getBounds().contains(latlng) && zoom === map.getZoom() && cluster.getVisibleParent(marker)) {
          show();
        } else {
          map.on('moveend', show);
          cluster.on('animationend', show);
          map.setView(latlng, zoom, { animate: false });
          setTimeout(show, 400);
        }
      }

      return { layer: cluster, cluster: cluster, sync: sync, select: select };
    }

    /**
     * Places grouped on a grid of GRID_PX screen pixels, redrawn after each move:
     * a cell of one place shows its marker, a cell of several a cluster icon.  Only
     * the cells in view are drawn, so that the cost of a frame is one pass over the
     * places plus a few hundred markers, however many places there are.
     */
    function GridView() {
      var layer = L.layerGroup();
      var singles = new Set();
      var clusters = [];
      var selected = null;

      function project(p) {
        if (p.projected === p.now) return;
        var xy = mercator(p.now.lat, p.now.lon);
        p.px = xy[0];
        p.py = xy[1];
        p.projected = p.now;
      }

      /** Cells of the places shown in (and just around) the view, keyed by column and row. */
      function cells() {
        var zoom = map.getZoom();
        var scale = 256 * Math.pow(2, zoom);
        var b = map.getPixelBounds();
        var x0 = b.min.x - GRID_PX, y0 = b.min.y - GRID_PX, x1 = b.max.x + GRID_PX, y1 = b.max.y + GRID_PX;
        var out = new Map();
        for (var i = 0; i < places.length; i++) {
          var p = places[i];
          if (!p.on || p === selected) continue;
          var x = p.px * scale, y = p.py * scale;
          if (x < x0 || x > x1 || y < y0 || y > y1) continue;
          var key = Math.floor(x / GRID_PX) * 4194304 + Math.floor(y / GRID_PX);
          var c = out.get(key);
          if (!c) {
            c = { n: 0, sx: 0, sy: 0, minX: x, maxX: x, minY: y, maxY: y, first: p, key: key, zoom: zoom };
            out.set(key, c);
          }
          c.n++;
          c.sx += x;
          c.sy += y;
          if (x < c.minX) c.minX = x;
          if (x > c.maxX) c.maxX = x;
          if (y < c.minY) c.minY = y;
          if (y > c.maxY) c.maxY = y;
        }
        return out;
      }

      function redraw() {
        if (!map._loaded) return;
        var next = new Set();
        var made = [];
        cells().forEach(function (c) {
          if (c.n === 1) next.add(c.first);
          else made.push(clusterMarker(c));
        });
        if (selected && selected.on) next.add(selected);
        singles.forEach(function (p) { if (!next.has(p)) layer.removeLayer(p.marker); });
        next.forEach(function (p) {
          markerOf(p);
          restyle(p);
          if (!singles.has(p)) layer.addLayer(p.marker);
        });
        singles = next;
        clusters.forEach(function (m) { layer.removeLayer(m); });
        clusters = made;
        made.forEach(function (m) { layer.addLayer(m); });
      }

      /** A cluster's icon sits at its places' mean, moved only as far as keeps it inside its cell. */
      function clusterMarker(c) {
        var room = (GRID_PX - clusterSize(c.n)) / 2;
        var cx = (Math.floor(c.sx / c.n / GRID_PX) + 0.5) * GRID_PX;
        var cy = (Math.floor(c.sy / c.n / GRID_PX) + 0.5) * GRID_PX;
        var x = Math.max(cx - room, Math.min(cx + room, c.sx / c.n));
        var y = Math.max(cy - room, Math.min(cy + room, c.sy / c.n));
        var marker = L.marker(map.unproject([x, y], c.zoom), {
          icon: clusterIcon(c.n), keyboard: true, title: c.n + ' places', alt: c.n + ' places'
        });
        marker.atlasCount = c.n;
        marker.on('click', function () { openCell(c); });
        return marker;
      }

      /** Zoom into a cluster, or list its places when they share one spot at the deepest zoom. */
      function openCell(c) {
        var zoom = map.getZoom();
        var spread = Math.max(c.maxX - c.minX, c.maxY - c.minY);
        if (zoom < map.getMaxZoom() && spread > 0.5) {
          var bounds = L.latLngBounds(map.unproject([c.minX, c.minY], zoom), map.unproject([c.maxX, c.maxY], zoom));
          var target = Math.min(map.getBoundsZoom(bounds.pad(0.2)), map.getMaxZoom());
          map.setView(bounds.getCenter(), Math.max(target, Math.min(zoom + 2, map.getMaxZoom())));
          return;
        }
        var members = places.filter(function (p) {
          if (!p.on || p === selected) return false;
          var scale = 256 * Math.pow(2, zoom);
          return Math.floor(p.px * scale / GRID_PX) * 4194304 + Math.floor(p.py * scale / GRID_PX) === c.key;
        });
        var items = members.slice(0, 50).map(function (p) {
          var button = h('button', { type: 'button', className: 'atlas-row-button', textContent: p.name });
          button.addEventListener('click', function () { select(p); });
          return h('li', {}, [symbolNode(p.kindInfo, p.now.status, 14), button]);
        });
        var more = members.length > 50 ? h('p', { className: 'atlas-none', textContent: (members.length - 50) + ' more: search for them' }) : null;
        L.popup({ maxWidth: 320, maxHeight: 300, className: 'atlas-popup-wrap' })
          .setLatLng(map.unproject([c.sx / c.n, c.sy / c.n], zoom))
          .setContent(h('div', { className: 'atlas-popup' }, [
            h('h2', { className: 'atlas-popup-title', textContent: members.length + ' places here' }),
            h('ul', { className: 'atlas-cell-list' }, items), more
          ]))
          .openOn(map);
      }

      function sync() {
        places.forEach(function (p) { if (p.on) project(p); });
        redraw();
      }

      /** Centre the place, at least at SELECT_ZOOM, drawn on its own, and open its popup. */
      function select(p) {
        selected = p;
        map.closePopup();
        map.setView([p.now.lat, p.now.lon], Math.max(map.getZoom(), SELECT_ZOOM), { animate: false });
        redraw();
        markerOf(p).openPopup();
      }

      map.on('moveend', redraw);
      map.on('popupopen', function (e) {
        var source = e.popup._source;
        if (source && source.atlasPlace) selected = source.atlasPlace;
      });
      return {
        layer: layer, sync: sync, select: select, redraw: redraw,
        drawnTotal: function () {
          var n = singles.size;
          clusters.forEach(function (m) { n += m.atlasCount; });
          return n;
        }
      };
    }

    var view = large ? GridView() : ClusterView();

    // ---- kind layers: proxies that add/remove their markers in the view

    var KindLayer = L.Layer.extend({
      initialize: function (code) { this.code = code; },
      onAdd: function () { state.kindsOn.set(this.code, true); refresh(); },
      onRemove: function () { state.kindsOn.set(this.code, false); refresh(); }
    });
    var kindLayers = new Map();
    data.kinds.forEach(function (k) {
      if (!k.count) return;
      var layer = new KindLayer(k.code);
      kindLayers.set(k.code, layer);
    });
    data.kinds.forEach(function (k) { if (!kindLayers.has(k.code)) state.kindsOn.set(k.code, true); });

    // ---- layer control

    var offline = L.layerGroup();
    var base = { 'Offline basemap': offline };
    TILES.forEach(function (t) { base[t.name] = L.tileLayer(t.url, t.options); });
    offline.addTo(map);
    var regionLayer = L.layerGroup();
    regionLayer.on('add', function () { state.regionsOn = true; restyleCountries(); });
    regionLayer.on('remove', function () { state.regionsOn = false; restyleCountries(); });
    regionLayer.addTo(map);
    var overlays = { 'WCO regions (members coloured)': regionLayer };
    data.kinds.forEach(function (k) {
      if (!kindLayers.has(k.code)) return;
      overlays['<span class="atlas-lc-symbol">' + symbolSvg(k, 'operational', 16) + '</span>' +
        esc(k.label) + ' <span class="atlas-count">(' + Number(k.count) + ')</span>'] = kindLayers.get(k.code);
    });
    L.control.layers(base, overlays, { collapsed: true, position: 'topright' }).addTo(map);
    map.on('baselayerchange', function (e) {
      state.online = e.layer !== offline;
      restyleCountries();
    });

    // ---- controls

    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: 140 }).addTo(map);
    var searchControl = new SearchControl({ position: 'topleft' });
    map.addControl(searchControl);
    map.addControl(new FullscreenControl({ position: 'topleft' }));
    map.addControl(new MeasureControl({ position: 'topleft' }));
    legend = new LegendControl({ position: 'topright' });
    map.addControl(legend);
    var minimap = new MinimapControl({ position: 'bottomright' });
    map.addControl(minimap);
    var timelineControl = timeline.enabled ? new TimelineControl({ position: 'bottomleft' }) : null;
    if (timelineControl) map.addControl(timelineControl);
    fitView(); // before the layers are drawn, so that they are drawn once
    countries.addTo(map);
    view.layer.addTo(map);
    kindLayers.forEach(function (layer) { layer.addTo(map); });
    var list = buildList();
    booting = false;
    refresh();
    if (large) warmSearch(0);

    /** Fold the search text of a large map's places in slices, while the reader looks. */
    function warmSearch(from) {
      var to = Math.min(places.length, from + 5000);
      for (var i = from; i < to; i++) searchText(places[i]);
      if (to < places.length) setTimeout(function () { warmSearch(to); }, 0);
    }

    /** Fit the data's bounds, leaving room for the legend where the map is wide enough. */
    function fitView() {
      var right = Math.max(24, legendWidth());
      map.fitBounds(data.bounds, { paddingTopLeft: [60, 24], paddingBottomRight: [right, 24], maxZoom: 6, animate: false });
    }

    /** Show a place on the map and open its popup; false when it is not shown now. */
    function select(id) {
      var p = byId.get(id);
      if (!p || !p.on) return false;
      view.select(p);
      return true;
    }

    function searchText(p) {
      if (p.search === undefined) p.search = fold([p.name, p.id, p.country, p.terms].join(' '));
      return p.search;
    }

    /** Shown places whose text holds every word of the query; names starting with it first. */
    function search(query) {
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

    // ---- search control

    function SearchControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function () {
          var box = h('div', { className: 'leaflet-bar atlas-search', attrs: { role: 'search' } });
          var input = h('input', {
            type: 'search', placeholder: 'Search places\u2026', autocomplete: 'off', spellcheck: false,
            attrs: { 'aria-label': 'Search places', role: 'combobox', 'aria-expanded': 'false',
              'aria-controls': 'atlas-search-results', 'aria-autocomplete': 'list' }
          });
          var results = h('ul', { id: 'atlas-search-results', className: 'atlas-search-results', hidden: true, attrs: { role: 'listbox', 'aria-label': 'Matching places' } });
          var status = h('div', { className: 'atlas-sr', attrs: { 'aria-live': 'polite' } });
          var active = -1;
          var found = [];
          function close() {
            results.hidden = true;
            input.setAttribute('aria-expanded', 'false');
            input.removeAttribute('aria-activedescendant');
            active = -1;
          }
          function highlight(i) {
            var items = results.children;
            if (!items.length) return;
            active = (i + items.length) % items.length;
            for (var j = 0; j < items.length; j++) items[j].setAttribute('aria-selected', j === active ? 'true' : 'false');
            input.setAttribute('aria-activedescendant', items[active].id);
            items[active].scrollIntoView({ block: 'nearest' });
          }
          function choose(p) {
            close();
            input.value = p.name;
            select(p.id);
          }
          function update() {
            found = search(input.value).slice(0, 12);
            results.textContent = '';
            found.forEach(function (p, i) {
              var li = h('li', { id: 'atlas-search-option-' + i, className: 'atlas-search-option', attrs: { role: 'option', 'aria-selected': 'false' } }, [
                symbolNode(p.kindInfo, p.now.status, 14),
                h('span', { className: 'atlas-search-name', textContent: p.name }),
                h('span', { className: 'atlas-search-meta', textContent: [p.kindInfo.label, p.country].filter(Boolean).join(' \u00b7 ') })
              ]);
              li.addEventListener('mousedown', function (e) { e.preventDefault(); });
              li.addEventListener('click', function () { choose(p); });
              results.appendChild(li);
            });
            var open = input.value.trim() !== '';
            if (open && !found.length) {
              results.appendChild(h('li', { className: 'atlas-search-empty', textContent: 'No place matches' }));
            }
            results.hidden = !open;
            input.setAttribute('aria-expanded', open ? 'true' : 'false');
            status.textContent = open ? found.length + ' result' + (found.length === 1 ? '' : 's') : '';
            active = -1;
          }
          input.addEventListener('input', update);
          input.addEventListener('keydown', function (e) {
            if (e.key === 'ArrowDown') { e.preventDefault(); if (results.hidden) update(); highlight(active + 1); }
            else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active - 1); }
            else if (e.key === 'Enter') {
              e.preventDefault();
              if (found.length) choose(found[Math.max(active, 0)]);
            } else if (e.key === 'Escape') { close(); }
          });
          input.addEventListener('blur', function () { setTimeout(close, 150); });
          box.appendChild(input);
          box.appendChild(results);
          box.appendChild(status);
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          this.input = input;
          return box;
        }
      });
      return new Ctl(options);
    }

    // ---- fullscreen

    function FullscreenControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function () {
          var app = document.getElementById('atlas-app') || document.documentElement;
          var bar = h('div', { className: 'leaflet-bar atlas-buttons' });
          var button = h('button', { type: 'button', className: 'atlas-button', title: 'Full screen', attrs: { 'aria-label': 'Full screen', 'aria-pressed': 'false' } });
          button.innerHTML = ICONS.fullscreen; // constant markup
          function pressed() {
            var on = !!document.fullscreenElement || document.body.classList.contains('atlas-pseudo-fullscreen');
            button.setAttribute('aria-pressed', on ? 'true' : 'false');
            setTimeout(function () { map.invalidateSize(); }, 50);
          }
          function pseudo() {
            document.body.classList.toggle('atlas-pseudo-fullscreen');
            pressed();
          }
          button.addEventListener('click', function () {
            if (document.fullscreenElement) {
              document.exitFullscreen().catch(pseudo);
            } else if (document.body.classList.contains('atlas-pseudo-fullscreen')) {
              pseudo();
            } else if (app.requestFullscreen && document.fullscreenEnabled) {
              app.requestFullscreen().catch(pseudo);
            } else {
              pseudo();
            }
          });
          document.addEventListener('fullscreenchange', pressed);
          bar.appendChild(button);
          L.DomEvent.disableClickPropagation(bar);
          return bar;
        }
      });
      return new Ctl(options);
    }

    // ---- measure (geodesic distance)

    function MeasureControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function () {
          var bar = h('div', { className: 'leaflet-bar atlas-buttons atlas-measure' });
          var button = h('button', { type: 'button', className: 'atlas-button', title: 'Measure distance', attrs: { 'aria-label': 'Measure distance', 'aria-pressed': 'false' } });
          button.innerHTML = ICONS.measure; // constant markup
          var panel = h('div', { className: 'atlas-measure-panel', hidden: true, attrs: { 'aria-live': 'polite' } });
          var total = h('span', { className: 'atlas-measure-total' });
          var clear = h('button', { type: 'button', className: 'atlas-link-button', textContent: 'Clear' });
          panel.appendChild(total);
          panel.appendChild(clear);
          var layer = L.layerGroup().addTo(map);
          var points = [];
          var on = false;
          function draw() {
            layer.clearLayers();
            var km = 0;
            var line = [];
            for (var i = 0; i < points.length; i++) {
              L.circleMarker(points[i], { radius: 4, color: '#ad1457', weight: 2, fillColor: '#ffffff', fillOpacity: 1, interactive: false }).addTo(layer);
              if (i > 0) {
                km += geodesicKm(points[i - 1], points[i]);
                line = line.concat(greatCircle(points[i - 1], points[i]).slice(i > 1 ? 1 : 0));
              }
            }
            if (line.length) L.polyline(line, { color: '#ad1457', weight: 3, dashArray: '7 5', interactive: false }).addTo(layer);
            total.textContent = points.length < 2
              ? 'Click on the map to add points.'
              : 'Geodesic distance: ' + formatKm(km);
            api.measuredKm = km;
          }
          function onClick(e) { points.push(e.latlng); draw(); }
          function stop() {
            on = false;
            button.setAttribute('aria-pressed', 'false');
            map.off('click', onClick);
            map.doubleClickZoom.enable();
            map.getContainer().classList.remove('atlas-measuring');
          }
          function start() {
            on = true;
            points = [];
            draw();
            panel.hidden = false;
            button.setAttribute('aria-pressed', 'true');
            map.on('click', onClick);
            map.doubleClickZoom.disable();
            map.getContainer().classList.add('atlas-measuring');
          }
          button.addEventListener('click', function () { if (on) stop(); else start(); });
          clear.addEventListener('click', function () { points = []; draw(); if (!on) panel.hidden = true; });
          document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && on) stop(); });
          bar.appendChild(button);
          bar.appendChild(panel);
          L.DomEvent.disableClickPropagation(bar);
          api.measure = { start: start, stop: stop, add: function (lat, lng) { points.push(L.latLng(lat, lng)); draw(); } };
          return bar;
        }
      });
      return new Ctl(options);
    }


    // ---- legend and filters

    /** Places that exist at the timeline's year (or now): per kind, region and status. */
    function presentCounts() {
      var out = { kinds: new Map(), regions: new Map(), statuses: new Map(), on: 0 };
      function inc(m, k) { m.set(k, (m.get(k) || 0) + 1); }
      places.forEach(function (p) {
        if (p.on) out.on++;
        if (!p.now) return;
        inc(out.kinds, p.kind);
        inc(out.regions, p.region);
        inc(out.statuses, p.now.status);
      });
      return out;
    }

    function LegendControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function () {
          var box = h('details', { className: 'atlas-legend', open: window.innerWidth > 640 });
          var summary = h('summary', { textContent: 'Legend & filters' });
          var shown = h('p', { className: 'atlas-shown', attrs: { 'aria-live': 'polite' } });
          box.appendChild(summary);
          box.appendChild(shown);

          var kindBoxes = new Map();
          var kindRows = [];
          var kindGrid = h('div', { className: 'atlas-grid atlas-grid-kinds' });
          data.kinds.forEach(function (k) {
            if (!k.count) return;
            var cb = h('input', { type: 'checkbox', checked: true, attrs: { 'aria-label': k.label + ': ' + k.count + ' places' } });
            cb.addEventListener('change', function () {
              var layer = kindLayers.get(k.code);
              if (cb.checked) map.addLayer(layer); else map.removeLayer(layer);
            });
            kindBoxes.set(k.code, cb);
            var count = h('span', { className: 'atlas-count', textContent: String(k.count) });
            kindRows.push({ k: k, cb: cb, count: count });
            kindGrid.appendChild(h('label', { className: 'atlas-row' }, [
              cb, symbolNode(k, 'operational', 18), h('span', { className: 'atlas-row-label', textContent: k.label }), count
            ]));
          });
          var kindSet = h('fieldset', {}, [h('legend', { textContent: 'Places' }), kindGrid]);
          if (!kindBoxes.size) kindSet.appendChild(h('p', { className: 'atlas-none', textContent: 'No places on this map.' }));
          box.appendChild(kindSet);

          var statusGrid = h('div', { className: 'atlas-grid atlas-grid-status' });
          var statusRows = [];
          var neutral = { shape: 'circle', color: '#5d6d7e' };
          data.statuses.forEach(function (s) {
            var cells = [
              h('span'), symbolNode(neutral, s.code, 14),
              h('span', { className: 'atlas-row-label', textContent: s.label }),
              h('span', { className: 'atlas-count', textContent: String(s.count) })
            ];
            cells.forEach(function (cell) { statusGrid.appendChild(cell); });
            statusRows.push({ s: s, cells: cells });
          });
          box.appendChild(h('fieldset', {}, [h('legend', { textContent: 'Status' }), statusGrid]));

          var regionRows = [];
          var regionGrid = h('div', { className: 'atlas-grid atlas-grid-regions' }, [
            h('span'), h('span'), h('span'),
            h('span', { className: 'atlas-grid-head', textContent: 'Places', attrs: { 'aria-hidden': 'true' } }),
            h('span', { className: 'atlas-grid-head', textContent: 'Members', attrs: { 'aria-hidden': 'true' } })
          ]);
          function regionName(r, n) {
            return r.name + ': ' + n + ' places' + (r.code === null ? '' : ', ' + r.members + ' WCO Members');
          }
          data.regions.forEach(function (r) {
            var cb = h('input', { type: 'checkbox', checked: true, disabled: !r.count, attrs: { 'aria-label': regionName(r, r.count) } });
            cb.addEventListener('change', function () {
              state.regionsShown.set(r.code, cb.checked);
              refresh();
            });
            var swatch = h('span', { className: 'atlas-swatch' + (r.code === null ? ' atlas-swatch-none' : '') });
            if (r.color) swatch.style.background = tint(safeColor(r.color, '#b3b3b3'), 0.18);
            var count = h('span', { className: 'atlas-count', textContent: String(r.count) });
            regionRows.push({ r: r, cb: cb, count: count });
            regionGrid.appendChild(h('label', { className: 'atlas-row' + (focus && r.code === focus ? ' atlas-focus' : '') }, [
              cb, swatch, h('span', { className: 'atlas-row-label', textContent: r.name }), count,
              h('span', { className: 'atlas-count', textContent: r.code === null ? '' : String(r.members) })
            ]));
          });
          regionGrid.appendChild(h('span'));
          regionGrid.appendChild(h('span', { className: 'atlas-swatch atlas-swatch-hatch' }));
          regionGrid.appendChild(h('span', { className: 'atlas-row-label atlas-span', textContent: 'Not a WCO Member' }));
          var regionSet = h('fieldset', {}, [h('legend', { textContent: 'WCO regions' }), regionGrid]);
          box.appendChild(regionSet);
          var reset = h('button', { type: 'button', className: 'atlas-link-button', textContent: 'Show all' });
          reset.addEventListener('click', function () {
            data.regions.forEach(function (r) { state.regionsShown.set(r.code, true); });
            regionSet.querySelectorAll('input').forEach(function (cb) { cb.checked = true; });
            kindLayers.forEach(function (layer) { if (!map.hasLayer(layer)) map.addLayer(layer); });
            refresh();
          });
          box.appendChild(reset);

          kindLayers.forEach(function (layer, code) {
            layer.on('add remove', function () { kindBoxes.get(code).checked = map.hasLayer(layer); });
          });
          function count() {
            var c = presentCounts();
            var year = timeline.year();
            shown.textContent = 'Showing ' + c.on + ' of ' + places.length + ' places' +
              (year === null ? '' : ' at the end of ' + year);
            kindRows.forEach(function (row) {
              var n = c.kinds.get(row.k.code) || 0;
              row.count.textContent = String(n);
              row.cb.setAttribute('aria-label', row.k.label + ': ' + n + ' places');
            });
            statusRows.forEach(function (row) {
              var n = c.statuses.get(row.s.code) || 0;
              row.cells[3].textContent = String(n);
              row.cells.forEach(function (cell) { cell.hidden = !n; });
            });
            regionRows.forEach(function (row) {
              var n = c.regions.get(row.r.code) || 0;
              row.count.textContent = String(n);
              row.cb.setAttribute('aria-label', regionName(row.r, n));
            });
          }
          listeners.push(count);
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        }
      });
      return new Ctl(options);
    }

    // ---- minimap, drawn from the country layer (offline)

    function MinimapControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function (main) {
          var box = h('div', { className: 'atlas-minimap', attrs: { 'aria-hidden': 'true' } });
          this.box = box;
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          var self = this;
          setTimeout(function () { self.build(main); }, 0);
          return box;
        },
        build: function (main) {
          var mini = L.map(this.box, {
            attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
            doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0,
            inertia: false, fadeAnimation: false, zoomAnimation: false
          });
          var canvas = L.canvas({ padding: 0.2 });
          mini.setView(main.getCenter(), Math.max(0, main.getZoom() - 4), { animate: false });
          countryLayers.forEach(function (p) {
            var c = p.atlasCountry;
            var region = regions.get(c.region);
            var fill = c.member && region && region.color ? tint(safeColor(region.color, '#b3b3b3'), 0.18) : '#dcd9d3';
            L.polygon(p.getLatLngs(), { renderer: canvas, stroke: false, fillColor: fill, fillOpacity: 1, interactive: false }).addTo(mini);
          });
          var view = L.rectangle(main.getBounds(), { renderer: canvas, color: '#c0392b', weight: 2, fillOpacity: 0.08, interactive: false }).addTo(mini);
          function sync() {
            mini.setView(main.getCenter(), Math.max(0, main.getZoom() - 4), { animate: false });
            view.setBounds(main.getBounds());
          }
          main.on('moveend zoomend resize', sync);
          mini.on('click', function (e) { main.panTo(e.latlng); });
          this.mini = mini;
        }
      });
      return new Ctl(options);
    }


    // ---- list view

    function buildList() {
      var main = document.getElementById('atlas-main');
      var toggle = document.getElementById('atlas-list-toggle');
      var panel = h('aside', { id: 'atlas-list', className: 'atlas-list', hidden: true, attrs: { 'aria-label': 'List of places' } });
      var caption = h('caption', {});
      var columns = [
        { key: 'name', label: 'Name', get: function (p) { return p.name; } },
        { key: 'kind', label: 'Kind', get: function (p) { return p.kindInfo.label; } },
        { key: 'country', label: 'Country', get: function (p) { return p.country || ''; } },
        { key: 'region', label: 'Region', get: function (p) { var r = regions.get(p.region); return r ? r.name : ''; } },
        { key: 'status', label: 'Status', get: function (p) { return statusText(p.now.status); } }
      ];
      var sortKey = 'name';
      var sortDir = 1;
      var headRow = h('tr');
      var heads = columns.map(function (col) {
        var btn = h('button', { type: 'button', className: 'atlas-sort', textContent: col.label });
        var th = h('th', { scope: 'col', attrs: { 'aria-sort': 'none' } }, [btn]);
        btn.addEventListener('click', function () {
          sortDir = sortKey === col.key ? -sortDir : 1;
          sortKey = col.key;
          render();
        });
        headRow.appendChild(th);
        return { col: col, th: th };
      });
      var tbody = h('tbody');
      var table = h('table', { className: 'atlas-table' }, [caption, h('thead', {}, [headRow]), tbody]);
      var close = h('button', { type: 'button', className: 'atlas-close', textContent: '\u00d7', title: 'Close the list', attrs: { 'aria-label': 'Close the list' } });
      panel.appendChild(h('div', { className: 'atlas-list-head' }, [h('h2', { textContent: 'Places' }), close]));
      panel.appendChild(h('div', { className: 'atlas-table-wrap' }, [table]));
      main.appendChild(panel);

      /** The row of a place, made when first listed; its status cells follow the timeline. */
      function rowOf(p) {
        if (!p.row) {
          var nameButton = h('button', { type: 'button', className: 'atlas-row-button', textContent: p.name });
          var first = h('td', {}, [nameButton]);
          var status = h('td');
          var tr = h('tr', {}, [
            first,
            h('td', { textContent: p.kindInfo.label }),
            h('td', { textContent: p.country || '' }),
            h('td', { textContent: columns[3].get(p) }),
            status
          ]);
          tr.dataset.id = p.id;
          tr.addEventListener('click', function () { select(p.id); });
          p.row = { tr: tr, first: first, status: status, shows: null };
        }
        var row = p.row;
        if (row.shows !== p.now.status) {
          if (row.first.firstChild.classList.contains('atlas-symbol')) row.first.removeChild(row.first.firstChild);
          row.first.insertBefore(symbolNode(p.kindInfo, p.now.status, 14), row.first.firstChild);
          row.status.textContent = statusText(p.now.status);
          row.shows = p.now.status;
        }
        return row.tr;
      }

      /** The shown places, sorted, at most LIST_MAX of them (a long list is no help). */
      function render() {
        if (panel.hidden) return;
        var col = columns.filter(function (c) { return c.key === sortKey; })[0];
        heads.forEach(function (hd) {
          hd.th.setAttribute('aria-sort', hd.col.key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
        });
        var shown = [];
        places.forEach(function (p) { if (p.on) shown.push({ p: p, key: fold(col.get(p)) }); });
        shown.sort(function (a, b) {
          return (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) * sortDir || (a.p.id < b.p.id ? -1 : 1);
        });
        var rows = document.createDocumentFragment();
        shown.slice(0, LIST_MAX).forEach(function (s) { rows.appendChild(rowOf(s.p)); });
        tbody.textContent = '';
        tbody.appendChild(rows);
        caption.textContent = shown.length + ' of ' + places.length + ' places shown; ' +
          (shown.length > LIST_MAX ? 'the first ' + LIST_MAX + ' are listed (search or filter to narrow the list); ' : '') +
          'select a name to show it on the map';
      }
      listeners.push(render);

      function setOpen(open) {
        panel.hidden = !open;
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        document.body.classList.toggle('atlas-list-open', open);
        render();
        map.invalidateSize();
      }
      if (toggle) toggle.addEventListener('click', function () { setOpen(panel.hidden); });
      close.addEventListener('click', function () { setOpen(false); if (toggle) toggle.focus(); });
      return { panel: panel, setOpen: setOpen, rows: function () { return tbody.querySelectorAll('tr:not([hidden])').length; } };
    }

    // ---- timeline: the network at the end of each year

    /**
     * The timeline's state.  A year means the end of that year (31 December): the
     * places that existed then, with the status and seat they had.  null: as now.
     */
    function Timeline(info) {
      var first = info ? info.first : null;
      var last = first === null ? null : info.asOf ? info.last : Math.max(info.last, new Date().getFullYear());
      var year = null;
      return {
        enabled: first !== null && last !== null,
        first: first,
        last: last,
        asOf: info ? info.asOf : null,
        unknown: info ? info.unknown : 0,
        year: function () { return year; },
        set: function (y) { year = y === null ? null : Math.max(first, Math.min(last, y)); },
        day: function () { return year === null ? null : year * 10000 + 1231; }
      };
    }

    /** Places on the map at the end of each year, per region, with the kind and region filters. */
    function countsPerYear() {
      var key = [];
      state.kindsOn.forEach(function (on, code) { key.push(on ? 1 : 0); });
      state.regionsShown.forEach(function (on) { key.push(on ? 1 : 0); });
      key = key.join('');
      if (yearCache.key === key) return yearCache.counts;
      var first = timeline.first, n = timeline.last - timeline.first + 1;
      var index = new Map();
      data.regions.forEach(function (r, i) { index.set(r.code, i); });
      var diff = data.regions.map(function () { return new Int32Array(n + 1); });
      function span(d, a, b) {
        a = Math.max(a, first) - first;
        b = Math.min(b, timeline.last + 1) - first;
        if (a < b) { d[a]++; d[b]--; }
      }
      places.forEach(function (p) {
        if (!state.kindsOn.get(p.kind) || !state.regionsShown.get(p.region)) return;
        var d = diff[index.get(p.region)];
        if (!d) return;
        if (!p.life) { span(d, first, timeline.last + 1); return; }
        p.life.forEach(function (s) {
          // From <= Y-12-31 < to: from the year of `from` up to the year before that of `to`.
          var from = s.length > 0 && s[0] !== null ? Math.floor(s[0] / 10000) : first;
          var to = s.length > 1 && s[1] !== null ? Math.floor(s[1] / 10000) : timeline.last + 1;
          span(d, from, to);
        });
      });
      var counts = diff.map(function (d) {
        var out = new Array(n), run = 0;
        for (var i = 0; i < n; i++) { run += d[i]; out[i] = run; }
        return out;
      });
      yearCache = { key: key, counts: counts };
      return counts;
    }

    function TimelineControl(options) {
      var Ctl = L.Control.extend({
        onAdd: function () {
          var first = timeline.first, last = timeline.last;
          var nowLabel = timeline.asOf ? 'As of ' + String(timeline.asOf).replace(/^(\d{4})(\d\d)(\d\d)$/, '$1-$2-$3') : 'Today';
          var box = h('div', { className: 'atlas-timeline', attrs: { role: 'group', 'aria-labelledby': 'atlas-timeline-title' } });
          var title = h('span', { id: 'atlas-timeline-title', className: 'atlas-timeline-title', textContent: 'Timeline' });
          var out = h('output', { className: 'atlas-timeline-year', htmlFor: 'atlas-year', attrs: { 'aria-live': 'polite' } });
          var play = h('button', { type: 'button', className: 'atlas-button atlas-play', title: 'Play the years', attrs: { 'aria-label': 'Play the years', 'aria-pressed': 'false' } });
          var label = h('label', { className: 'atlas-sr', htmlFor: 'atlas-year', textContent: 'Year (the map shows the end of it)' });
          var slider = h('input', { type: 'range', id: 'atlas-year', className: 'atlas-year', min: String(first), max: String(last), step: '1', value: String(last) });
          var all = h('button', { type: 'button', className: 'atlas-now', textContent: nowLabel, attrs: { 'aria-pressed': 'true' } });
          var chart = document.createElementNS(SVGNS, 'svg');
          chart.setAttribute('class', 'atlas-chart');
          chart.setAttribute('viewBox', '0 0 300 56');
          chart.setAttribute('preserveAspectRatio', 'none');
          chart.setAttribute('role', 'img');
          var axis = h('div', { className: 'atlas-chart-axis', attrs: { 'aria-hidden': 'true' } }, [
            h('span', { textContent: String(first) }), h('span', { className: 'atlas-chart-max' }), h('span', { textContent: String(last) })
          ]);
          var note = timeline.unknown
            ? h('p', { className: 'atlas-timeline-note', textContent: timeline.unknown + (timeline.unknown === 1 ? ' place' : ' places') + ' with unknown opening date ' + (timeline.unknown === 1 ? 'is' : 'are') + ' always shown.' })
            : null;
          box.appendChild(h('div', { className: 'atlas-timeline-head' }, [title, out]));
          box.appendChild(h('div', { className: 'atlas-timeline-row' }, [play, label, slider, all]));
          box.appendChild(chart);
          box.appendChild(axis);
          if (note) box.appendChild(note);

          var timer = null;
          function setYear(y) {
            timeline.set(y);
            var year = timeline.year();
            slider.value = String(year === null ? last : year);
            var text = year === null ? nowLabel + ': every place' : 'End of ' + year;
            slider.setAttribute('aria-valuetext', text);
            out.textContent = text;
            all.setAttribute('aria-pressed', year === null ? 'true' : 'false');
            box.classList.toggle('atlas-timeline-on', year !== null);
            refresh();
          }
          function setPlaying(on) {
            play.setAttribute('aria-pressed', on ? 'true' : 'false');
            play.setAttribute('aria-label', on ? 'Pause' : 'Play the years');
            play.title = on ? 'Pause' : 'Play the years';
            play.innerHTML = on ? ICONS.pause : ICONS.play; // constant markup
          }
          function stop() {
            if (timer !== null) clearInterval(timer);
            timer = null;
            setPlaying(false);
          }
          function step() {
            var year = timeline.year();
            if (year === null || year >= last) { stop(); return; }
            setYear(year + 1);
            if (timeline.year() >= last) stop();
          }
          function start() {
            var year = timeline.year();
            if (year === null || year >= last) setYear(first);
            timer = setInterval(step, PLAY_MS);
            setPlaying(true);
          }
          slider.addEventListener('input', function () { stop(); setYear(Number(slider.value)); });
          play.addEventListener('click', function () { if (timer !== null) stop(); else start(); });
          all.addEventListener('click', function () { stop(); setYear(null); });
          setPlaying(false);

          function draw() {
            var counts = countsPerYear();
            var n = last - first + 1;
            var totals = new Array(n).fill(0);
            counts.forEach(function (row) { row.forEach(function (v, i) { totals[i] += v; }); });
            var max = Math.max(1, Math.max.apply(null, totals));
            var year = timeline.year();
            var w = 300 / n;
            while (chart.firstChild) chart.removeChild(chart.firstChild);
            if (year !== null) {
              var mark = document.createElementNS(SVGNS, 'rect');
              mark.setAttribute('class', 'atlas-chart-year');
              mark.setAttribute('x', String((year - first) * w));
              mark.setAttribute('y', '0');
              mark.setAttribute('width', String(Math.max(w, 2)));
              mark.setAttribute('height', '56');
              chart.appendChild(mark);
            }
            for (var i = 0; i < n; i++) {
              var g = document.createElementNS(SVGNS, 'g');
              var tip = document.createElementNS(SVGNS, 'title');
              tip.textContent = (first + i) + ': ' + totals[i] + ' places';
              g.appendChild(tip);
              var y = 56;
              data.regions.forEach(function (r, k) {
                var v = counts[k][i];
                if (!v) return;
                var hgt = v / max * 54;
                y -= hgt;
                var bar = document.createElementNS(SVGNS, 'rect');
                bar.setAttribute('x', String(i * w + w * 0.1));
                bar.setAttribute('y', String(y));
                bar.setAttribute('width', String(Math.max(w * 0.8, 0.6)));
                bar.setAttribute('height', String(hgt));
                bar.setAttribute('fill', r.color ? safeColor(r.color, '#b3b3b3') : '#b3b3b3');
                g.appendChild(bar);
              });
              chart.appendChild(g);
            }
            var at = year === null ? n - 1 : year - first;
            var parts = [];
            data.regions.forEach(function (r, k) { if (counts[k][at]) parts.push(r.name + ' ' + counts[k][at]); });
            chart.setAttribute('aria-label', 'Places on the map at the end of each year, ' + first + ' to ' + last +
              '; end of ' + (first + at) + ': ' + totals[at] + (parts.length ? ' (' + parts.join(', ') + ')' : ''));
            axis.querySelector('.atlas-chart-max').textContent = 'at most ' + Math.max.apply(null, totals) + ' places';
          }
          listeners.push(draw);
          setYear(null);

          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          api.timeline = {
            first: first, last: last, unknown: timeline.unknown,
            setYear: setYear, showAll: function () { stop(); setYear(null); },
            play: start, pause: stop,
            year: function () { return timeline.year(); },
            playing: function () { return timer !== null; },
            perYear: countsPerYear
          };
          return box;
        }
      });
      return new Ctl(options);
    }

    // ---- API for tests and for the curious

    api.map = map;
    api.view = view;
    api.cluster = view.cluster || null;
    api.places = places;
    api.large = large;
    api.select = select;
    api.fitView = fitView;
    api.search = function (q) { return search(q).map(function (p) { return p.id; }); };
    api.shownIds = function () {
      return places.filter(function (p) { return p.on; }).map(function (p) { return p.id; });
    };
    api.stateOf = function (id) {
      var p = byId.get(id);
      return p && p.now ? { status: p.now.status, lat: p.now.lat, lon: p.now.lon, shown: p.on } : null;
    };
    api.kindLayers = kindLayers;
    api.regionLayer = regionLayer;
    api.list = list;
    api.minimap = minimap;
    api.searchInput = searchControl.input;
    api.renderMs = window.performance ? performance.now() - t0 : 0;
    api.ready = true;
    document.documentElement.setAttribute('data-atlas-ready', 'true');
  }

  window.geoAtlas = { init: init, ready: false };
})();
