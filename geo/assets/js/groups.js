/* geo atlas, groups.js: places that share a point drawn as one group symbol that opens
 * (spreads, spread.js) to each of them; which places are never clustered (the headquarters and
 * the ROCBs, every answer of a query map); what a group or a cluster holds, in words
 * and in small kind symbols; where clusters' tiles lie (never on another icon); the
 * short names written next to the main offices.
 * colocate(), holdings(), mapName() and nameSpots() are pure (unit-tested in node).
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var MAIN_KINDS = { hq: true, rocb: true }; // codes of the schema: never inside a cluster
  var TOLERANCE_PX = 4; // places closer than this at the deepest zoom share a point
  var QUERY_TOLERANCE_PX = 16; // a query map's answers closer than this at the zoom shown would overlap
  var MINI = 14; // px: the side of a kind's small symbol in a group
  var TILE = 26; // px: the side of a cluster's icon (atlas.css)
  var MAX_SHOWN = 4; // symbols drawn in a group's icon; more show as "+n"
  var GAP = 3; // px between a symbol and its name
  var FURTHER = 4; // px more a name may stand off its symbol where the nearer spots are taken
  var OTHERS_ZOOM = 6; // from this zoom the places drawn on their own but not main are named too
  var RING_STEP = 6; // px between the rings of spots a tile may move to
  var RING_REACH = 120; // px: the farthest a tile moves from its point
  var RING_SPOTS = 16; // spots tried on each ring

  /**
   * The groups of points that share a point: points {x, y} (pixels at the deepest
   * zoom), joined when closer than `tolerance` pixels (and so on, transitively).
   * Returns arrays of indices, each in input order, the groups in the order of
   * their first point.
   */
  function colocate(points, tolerance) {
    var order = points.map(function (_, i) { return i; }).sort(function (a, b) { return points[a].x - points[b].x || a - b; });
    var parent = points.map(function (_, i) { return i; });
    function root(i) { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; }
    for (var a = 0; a < order.length; a++) {
      var i = order[a];
      for (var b = a + 1; b < order.length && points[order[b]].x - points[i].x < tolerance; b++) {
        var j = order[b];
        if (Math.abs(points[j].y - points[i].y) < tolerance && Math.hypot(points[j].x - points[i].x, points[j].y - points[i].y) < tolerance) {
          var ri = root(i), rj = root(j);
          if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
        }
      }
    }
    var byRoot = new Map();
    var out = [];
    points.forEach(function (_, k) {
      var r = root(k);
      var g = byRoot.get(r);
      if (!g) { g = []; byRoot.set(r, g); out.push(g); }
      g.push(k);
    });
    return out;
  }

  /**
   * What a set of places holds, by kind: [{kind, n}] in the legend's order of kinds
   * (`rank`: kind code -> its index), the most frequent kind first among equals.
   */
  function holdings(kindsOf, rank) {
    var counts = new Map();
    kindsOf.forEach(function (k) { counts.set(k, (counts.get(k) || 0) + 1); });
    return Array.from(counts, function (e) { return { kind: e[0], n: e[1] }; }).sort(function (a, b) {
      var ra = rank.has(a.kind) ? rank.get(a.kind) : 1e9, rb = rank.has(b.kind) ? rank.get(b.kind) : 1e9;
      return ra - rb || b.n - a.n || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
    });
  }

  /**
   * The short name written on the map for a place's name: "X (ACR) rest" gives
   * "ACR rest" (World Customs Organization (WCO) Secretariat -> WCO Secretariat),
   * "X (ACR)" gives X, or ACR when X is long; other parentheses are dropped.
   */
  function mapName(name) {
    var s = String(name || '').replace(/\s+/g, ' ').trim();
    var m = /^([^()]*?)\s*\(([^()]{1,24})\)\s*(.*)$/.exec(s);
    if (!m) return s;
    var head = m[1].trim(), acronym = m[2].trim();
    var tail = m[3].replace(/\s*\([^()]*\)/g, '').replace(/^[\u2013\u2014-]\s*/, '').trim();
    if (tail) return acronym + ' ' + tail;
    return head.length > 32 ? acronym : head || acronym;
  }

  /**
   * Where a name of `width` x `height` CSS pixels may be written beside a symbol whose
   * icon reaches `box` {left, right, top, bottom} pixels from its point: the offsets
   * [dx, dy] of the name's centre from the point, each spot beside one side of the icon
   * and sharing its span (never across a corner, where a long name would read as
   * another place's): right, left, below, above; then right and left raised and
   * lowered by half the name's height; then below and above, running right from the
   * icon's left edge or left from its right edge.  `pad` is the room place() keeps
   * around the name; `further`, pixels more between the icon and the name (0 if not given).
   */
  function nameSpots(box, width, height, pad, further) {
    var gap = GAP + (further || 0);
    var across = gap + pad + width / 2, down = gap + pad + height / 2;
    var right = box.right + across, left = -box.left - across, below = box.bottom + down, above = -box.top - down;
    var rise = height / 2, east = width / 2 - box.left, west = box.right - width / 2;
    return [[right, 0], [left, 0], [0, below], [0, above],
      [right, -rise], [right, rise], [left, -rise], [left, rise],
      [east, below], [west, below], [east, above], [west, above]];
  }

  /**
   * Where a tile (a cluster's icon) of `w` x `h` pixels whose point is `at` {x, y} may
   * lie: the top-left corners of its box, `first` (where it was drawn) first, then
   * centred on rings around its point RING_STEP pixels apart, nearest first, each
   * ring from the right and clockwise (on the screen, y down).
   */
  function tileSpots(at, w, h, first) {
    var out = [first];
    for (var r = RING_STEP; r <= RING_REACH; r += RING_STEP) {
      for (var k = 0; k < RING_SPOTS; k++) {
        var a = 2 * Math.PI * k / RING_SPOTS;
        out.push({ x: Math.round(at.x + r * Math.cos(a) - w / 2), y: Math.round(at.y + r * Math.sin(a) - h / 2) });
      }
    }
    return out;
  }

  /** How many pixels two boxes {left, top, right, bottom} share (0: they touch at most). */
  function overlapArea(a, b) {
    return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
      Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  }

  /**
   * Of `spots` (top-left corners of a `w` x `h` box), the first whose box overlaps none
   * of `taken` (boxes {left, top, right, bottom}); where each overlaps some, the one
   * that overlaps them least (by area), the earlier among equals.
   */
  function freeSpot(spots, w, h, taken) {
    var best = null, least = Infinity;
    for (var s = 0; s < spots.length; s++) {
      var c = spots[s];
      var box = { left: c.x, top: c.y, right: c.x + w, bottom: c.y + h };
      var area = 0;
      for (var t = 0; t < taken.length && area < least; t++) area += overlapArea(box, taken[t]);
      if (area < least) { best = c; least = area; }
      if (!area) break;
    }
    return best;
  }

  // ---- the page's part (Leaflet)

  /** Whether a place is never clustered on this page. */
  function isMain(app, p) {
    return !!app.data.query || MAIN_KINDS[p.kind] === true;
  }

  /** The legend's order of kinds (code -> index). */
  function rankOf(app) {
    if (!app.kindRank) {
      app.kindRank = new Map();
      app.kinds.forEach(function (k, code) { app.kindRank.set(code, k.index); });
    }
    return app.kindRank;
  }

  /** "2 ROCBs, 1 RTC": what places hold, in words of the catalogue. */
  function holdingsText(app, places) {
    return holdings(places.map(function (p) { return p.kind; }), rankOf(app)).map(function (h) {
      var id = 'cluster.kind_' + h.kind;
      if (Object.prototype.hasOwnProperty.call(app.words, id)) return util.t(app, id, { n: h.n });
      var kind = app.kinds.get(h.kind);
      return util.t(app, 'cluster.kind_other', { n: h.n, kind: kind ? kind.label : h.kind });
    }).join(util.t(app, 'cluster.and'));
  }

  /**
   * A cluster's icon: a tile of a small symbol per kind held (four at most), the number
   * of places in a corner, and its name in words ("3 RTCs, 1 RILO: zoom in"), also its
   * tooltip.  `shift` (CSS pixels) moves the tile off its point, out from under a main
   * place's symbol; `extra`, a class more (constant).  Markup: constant, or numbers.
   */
  function clusterIcon(app, places, shift, extra) {
    var held = holdings(places.map(function (p) { return p.kind; }), rankOf(app)).slice(0, 4);
    var mini = held.length === 1 ? 16 : 11;
    var html = '<span class="atlas-holds atlas-holds-' + held.length + '" aria-hidden="true">' + held.map(function (h) {
      return lib.symbols.symbolSvg(app.kinds.get(h.kind) || {}, 'operational', mini);
    }).join('') + '</span><span class="atlas-cluster-n" aria-hidden="true">' + Number(places.length) + '</span>' +
      '<span class="atlas-sr">' + util.esc(clusterText(app, places)) + '</span>';
    return L.divIcon({
      html: html, className: 'atlas-cluster' + (extra ? ' ' + extra : ''), iconSize: [TILE, TILE],
      iconAnchor: [TILE / 2 - (shift ? shift.x : 0), TILE / 2 - (shift ? shift.y : 0)]
    });
  }

  /** What a cluster is, in words: "3 RTCs, 1 RILO: zoom in to see them". */
  function clusterText(app, places) {
    return util.t(app, 'cluster.holds', { kinds: holdingsText(app, places), n: places.length });
  }

  /** A group's icon: the first place's symbol whole, the others' small, "+n" past MAX_SHOWN. */
  function groupIcon(app, places) {
    var first = places[0].kindInfo;
    var size = first.size;
    var html = '<span class="atlas-group-main">' + lib.symbols.symbolSvg(first, (places[0].now || places[0].base).status, size) + '</span>';
    var width = size + 6;
    places.slice(1, MAX_SHOWN).forEach(function (p) {
      html += lib.symbols.symbolSvg(p.kindInfo, (p.now || p.base).status, MINI);
      width += MINI;
    });
    if (places.length > MAX_SHOWN) {
      html += '<span class="atlas-group-more">+' + Number(places.length - MAX_SHOWN) + '</span>';
      width += 7 * String(places.length - MAX_SHOWN).length + 8;
    }
    return L.divIcon({
      html: html, className: 'atlas-group', iconSize: [width, size + 4], iconAnchor: [size / 2 + 3, size / 2 + 2]
    });
  }

  /** Order of a group's places: the legend's order of kinds, then by name. */
  function byRank(app) {
    var rank = rankOf(app);
    return function (a, b) {
      return (rank.get(a.kind) || 0) - (rank.get(b.kind) || 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    };
  }

  /**
   * The units a view draws: the shown places (p.on) joined where they share a point
   * (on a query map: where their symbols overlap at the zoom shown), each {key, places
   * (in byRank order), main}.
   */
  function unitsOf(app) {
    var shown = app.places.filter(function (p) { return p.on && p.now; });
    // on a query map, where nothing is clustered, also the answers whose symbols would overlap
    var query = !!app.data.query && app.map._loaded;
    var scale = 256 * Math.pow(2, query ? app.map.getZoom() : app.map.getMaxZoom());
    var points = shown.map(function (p) {
      var xy = lib.geodesy.mercator(p.now.lat, p.now.lon);
      return { x: xy[0] * scale, y: xy[1] * scale };
    });
    var order = byRank(app);
    return colocate(points, query ? QUERY_TOLERANCE_PX : TOLERANCE_PX).map(function (idx) {
      var places = idx.map(function (i) { return shown[i]; }).sort(order);
      return {
        key: places.map(function (p) { return p.id; }).join('\u0000'),
        places: places,
        main: places.some(function (p) { return isMain(app, p); })
      };
    });
  }

  /**
   * A group's marker: its icon, its name for screen readers, and a click (or Enter)
   * that spreads it.  `spreader` is the view's Spreader (spread.js).
   */
  function groupMarker(app, unit, spreader) {
    var lat = 0, lon = 0;
    unit.places.forEach(function (p) { lat += p.now.lat; lon += p.now.lon; });
    var n = unit.places.length;
    var names = unit.places.map(function (p) { return lib.util.short(p.name); });
    var label = util.t(app, 'cluster.group', { kinds: holdingsText(app, unit.places), names: names.join(' \u00b7 '), n: n });
    var marker = L.marker([lat / n, lon / n], {
      icon: groupIcon(app, unit.places), keyboard: true, title: names.join('\n'), alt: label, riseOnHover: true,
      zIndexOffset: unit.main ? 1000 : 0
    });
    marker.on('add', function () {
      var el = marker.getElement();
      if (el) el.setAttribute('aria-label', label);
    });
    marker.on('click', function () { spreader.toggle(marker); });
    marker.atlasGroup = unit.places;
    return marker;
  }

  /**
   * The names written beside the main places drawn on their own (and beside the other
   * places drawn on their own from zoom OTHERS_ZOOM), for labels.place, main places
   * first: each {id, name, key, lat, lon, x, y (pixels at zoom 0), r, w, width, lines,
   * at, pad}.  `sizes(name)` gives the ways to wrap the name, widest first, each
   * {width, lines} (labels.wrap): a name takes the first that finds room (one `key` a
   * place), so that a long one may stand narrower where it would not fit wide.
   */
  function officeNames(app, zoom, sizes) {
    var out = [];
    var ranks = rankOf(app);
    var scale = Math.pow(2, zoom);
    var view = app.map.getPixelBounds(); // world pixels at the zoom shown
    (app.view.drawnUnits ? app.view.drawnUnits() : []).forEach(function (d) {
      var p = d.places[0];
      if (!d.main && zoom < OTHERS_ZOOM) return;
      var name = mapName(p.name);
      if (!name) return;
      // a group of places that are not main: "Samur and 2 more" (a main office's group shows its others' symbols)
      if (d.places.length > 1 && MAIN_KINDS[p.kind] !== true) name = util.t(app, 'cluster.name_more', { name: name, n: d.places.length - 1 });
      var px = app.map.project([d.lat, d.lon], 0);
      var at = px.multiplyBy(scale);
      sizes(name).forEach(function (box, variant) {
        // only the spots where the whole name lies in view
        // beside the symbol, then a few pixels further where a neighbour leaves no room
        var near = nameSpots(d.box, box.width, box.lines * 13, 2);
        var spots = near.concat(nameSpots(d.box, box.width, box.lines * 13, 2, FURTHER)).filter(function (v) {
          var x = at.x + v[0], y = at.y + v[1];
          return x - box.width / 2 >= view.min.x && x + box.width / 2 <= view.max.x &&
            y - box.lines * 6.5 >= view.min.y && y + box.lines * 6.5 <= view.max.y;
        });
        if (!spots.length) return;
        out.push({
          id: p.id, key: 'office\u0000' + p.id, variant: variant, name: name, lat: d.lat, lon: d.lon, x: px.x, y: px.y,
          r: Infinity, w: Infinity, width: box.width, lines: box.lines, pad: 2, at: spots,
          rank: (d.main ? 0 : 100) + (ranks.get(p.kind) || 0), office: true
        });
      });
    });
    return out.sort(function (a, b) {
      return a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.variant - b.variant;
    });
  }

  /**
   * The icons drawn now in the marker pane, as boxes in layer pixels: {el, at (its
   * point), left, top, right, bottom, tile (a cluster's icon: it may move)}.  An icon
   * that fades out (opacity 0) is left out: the plugin removes it.
   */
  function drawnIcons(map) {
    var out = [];
    map.eachLayer(function (layer) {
      var el = layer instanceof L.Marker ? layer._icon : null;
      var at = el && el._leaflet_pos; // where Leaflet put the icon's point (L.DomUtil.setPosition)
      if (!at || !el.isConnected || el.style.opacity === '0') return;
      var left = at.x + (parseFloat(el.style.marginLeft) || 0), top = at.y + (parseFloat(el.style.marginTop) || 0);
      var w = parseFloat(el.style.width) || el.offsetWidth, hgt = parseFloat(el.style.height) || el.offsetHeight;
      var anchor = layer.options.icon && layer.options.icon.options.iconAnchor; // where it was drawn first
      var home = anchor ? { x: at.x - L.point(anchor).x, y: at.y - L.point(anchor).y } : { x: left, y: top };
      out.push({ el: el, at: at, home: home, left: left, top: top, right: left + w, bottom: top + hgt, tile: el.classList.contains('atlas-cluster') });
    });
    return out;
  }

  /**
   * No icon on another (`view`: the cluster view's state, whose `cluster` is the plugin's): the symbols of places and groups stay on their points; each
   * cluster's tile (the plugin's, at its places' middle, and the satellites beside a
   * main symbol) that lies on an icon moves to the nearest spot around its point where
   * it lies on none (groups.tileSpots), or on the least; `names` (boxes in layer
   * pixels: the main offices' names, labels.js) are kept clear too.  Tiles are taken
   * in the order of their points, the plugin's first, each from where it was drawn
   * first.  Runs after each zoom, move and animation of the clusters, and when the
   * names are written (its moves are the icons' margins: Leaflet resets them on a redraw).
   */
  function declutter(map, view, names) {
    if (!map._loaded || map._animatingZoom || view.cluster._inZoomAnimation) return;
    var icons = drawnIcons(map);
    var taken = icons.filter(function (i) { return !i.tile; }).concat(names || []);
    var tiles = icons.filter(function (i) { return i.tile; });
    tiles.sort(function (a, b) {
      var sa = a.el.classList.contains('atlas-satellite'), sb = b.el.classList.contains('atlas-satellite');
      return (sa ? 1 : 0) - (sb ? 1 : 0) || a.at.x - b.at.x || a.at.y - b.at.y;
    });
    tiles.forEach(function (t) {
      var w = t.right - t.left, hgt = t.bottom - t.top;
      var spot = lib.groups.freeSpot(lib.groups.tileSpots(t.at, w, hgt, t.home), w, hgt, taken);
      if (spot.x !== t.left || spot.y !== t.top) {
        t.el.style.marginLeft = (spot.x - t.at.x) + 'px';
        t.el.style.marginTop = (spot.y - t.at.y) + 'px';
      }
      taken.push({ left: spot.x, top: spot.y, right: spot.x + w, bottom: spot.y + hgt });
    });
  }

  lib.groups = {
    colocate: colocate,
    holdings: holdings,
    mapName: mapName,
    nameSpots: nameSpots,
    tileSpots: tileSpots,
    freeSpot: freeSpot,
    declutter: declutter,
    overlapArea: overlapArea,
    isMain: isMain,
    unitsOf: unitsOf,
    clusterIcon: clusterIcon,
    clusterText: clusterText,
    TILE: TILE,
    groupMarker: groupMarker,
    officeNames: officeNames,
    TOLERANCE_PX: TOLERANCE_PX
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
