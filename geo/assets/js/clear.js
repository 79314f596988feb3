/* geo atlas, clear.js: markers clear of the controls.  After every move that the reader
 * did not drag (a zoom, a tap on a cluster, a search, a link), the map pans the least
 * that takes the markers in view out from under the controls (KeepClear), weighing the
 * markers where Leaflet puts them and those a pan brings into view.
 * clearPan() is pure (unit-tested in node); KeepClear(app) wires it to the map.
 */
(function (lib) {
  'use strict';

  var GAP = 4; // px kept between a control and what avoids it (as layout.js)
  var CLEAR_STEP = 6; // px between the pans tried
  var CLEAR_REACH = 180; // px: the farthest pan tried
  var CLEAR_FRAMES = 120; // frames waited at most for the clusters' animation to end
  var CLEAR_AGAIN = 5; // looks again after a pan of its own, at most (a pan brings in markers: a phone draws only what is in view)

  /** Whether two rects ({left, top, right, bottom}) overlap. */
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /**
   * The pan [dx, dy] (map pixels, as map.panBy takes it), at most CLEAR_REACH, after
   * which the fewest `items` (rects: markers) whose centre lies in `view` (a rect)
   * overlap one of `rects` (controls); of those, the one that takes the fewest of
   * them out of view, then the shortest.  An item with `keep` (an open popup) stays
   * whole in view and clear.  null when no pan does better than none.
   */
  function clearPan(items, rects, view) {
    function centreIn(r) {
      var x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      return x >= view.left && x <= view.right && y >= view.top && y <= view.bottom;
    }
    function whole(r) { return r.left >= view.left && r.top >= view.top && r.right <= view.right && r.bottom <= view.bottom; }
    function covered(r) { return rects.some(function (c) { return overlaps(r, c); }); }
    function score(dx, dy) { // [covered, gone], or null when a kept item would suffer
      var n = 0, gone = 0;
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        var r = { left: it.left - dx, top: it.top - dy, right: it.right - dx, bottom: it.bottom - dy };
        if (it.keep) {
          if (it.wasWhole && (!whole(r) || covered(r))) return null;
        } else if (centreIn(r)) {
          if (covered(r)) n++;
        } else if (it.wasIn) {
          gone++;
        }
      }
      return [n, gone];
    }
    items.forEach(function (it) { it.wasIn = centreIn(it); it.wasWhole = whole(it) && !covered(it); });
    var best = null, bestScore = score(0, 0), bestDist = 0;
    if (!bestScore[0]) return null;
    for (var dx = -CLEAR_REACH; dx <= CLEAR_REACH; dx += CLEAR_STEP) {
      for (var dy = -CLEAR_REACH; dy <= CLEAR_REACH; dy += CLEAR_STEP) {
        var sc = score(dx, dy);
        if (!sc) continue;
        var dist = dx * dx + dy * dy;
        if (sc[0] < bestScore[0] || (sc[0] === bestScore[0] && (sc[1] < bestScore[1] || (sc[1] === bestScore[1] && dist < bestDist)))) {
          if (best || sc[0] < bestScore[0]) {
            best = [dx, dy];
            bestScore = sc;
            bestDist = dist;
          }
        }
      }
    }
    return best;
  }

  /** The controls (not the menu's panel, nor the sheet): rects in map container pixels. */
  function controlRects(app) {
    var box = app.map.getContainer().getBoundingClientRect();
    var out = [];
    app.map.getContainer().querySelectorAll('.leaflet-control-container .leaflet-control').forEach(function (el) {
      if (el.closest('.atlas-menu-panel')) return;
      var r = el.getBoundingClientRect();
      if (r.width && r.height) out.push({ left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top });
    });
    return out;
  }

  /**
   * The drawn markers and clusters (and an open popup, the marker whose details the
   * bottom sheet shows and the one with focus: kept): rects in map container pixels.  A marker's is where Leaflet
   * put it (its point, plus its margins), not where a transition of the clusters' or of a
   * zoom draws it on the way there.
   */
  function markerRects(app) {
    var map = app.map;
    var container = map.getContainer();
    var box = container.getBoundingClientRect();
    var shown = app.sheet && app.sheet.isOpen() && app.sheet.source();
    var kept = shown && shown.getElement ? shown.getElement() : null;
    var focused = document.activeElement; // a marker with the keyboard's focus stays in view too
    var out = [];
    function add(r, keep) {
      if (r.right > r.left && r.bottom > r.top) out.push({ left: r.left, top: r.top, right: r.right, bottom: r.bottom, keep: keep });
    }
    container.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon').forEach(function (el) {
      var pos = el._leaflet_pos; // Leaflet's (L.DomUtil.setPosition): the icon's point, in layer pixels
      if (el.style.opacity === '0' || !pos) return; // the opacity it goes to: a fade may be under way
      var at = map.layerPointToContainerPoint(pos);
      var left = at.x + (parseFloat(el.style.marginLeft) || 0), top = at.y + (parseFloat(el.style.marginTop) || 0);
      var w = parseFloat(el.style.width) || el.offsetWidth, hgt = parseFloat(el.style.height) || el.offsetHeight;
      add({ left: left, top: top, right: left + w, bottom: top + hgt }, el === kept || el === focused);
    });
    container.querySelectorAll('.leaflet-popup-pane .leaflet-popup').forEach(function (el) {
      var r = el.getBoundingClientRect();
      add({ left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top }, true);
    });
    return out;
  }

  /** The part of the map in view (map container pixels): above the bottom sheet when it is open. */
  function openView(app) {
    var size = app.map.getSize();
    var view = { left: 0, top: 0, right: size.x, bottom: size.y };
    if (app.sheet && app.sheet.isOpen()) {
      view.bottom = Math.min(view.bottom, app.sheet.node.getBoundingClientRect().top - app.map.getContainer().getBoundingClientRect().top);
    }
    return view;
  }

  /** Whether a transition (a zoom's, the clusters') still moves or fades something of the map's panes. */
  function transiting(app) {
    var pane = app.map.getPane('mapPane');
    if (!pane || !pane.getAnimations) return false;
    return pane.getAnimations({ subtree: true }).some(function (a) { return a.playState === 'running'; });
  }

  /** Whether the map or its clusters are still moving (the markers not yet where they go). */
  function moving(app) {
    var cluster = app.view && app.view.cluster;
    // the plugin's fields: an animation running, or its last steps queued (300 ms)
    var animating = cluster && (cluster._inZoomAnimation || cluster._queueTimeout);
    // a zoom that Leaflet has ended but whose zoomend (the next frame) the clusters await
    var behind = cluster && cluster._map && cluster._zoom !== Math.round(app.map.getZoom());
    return !!(app.map._animatingZoom || animating || behind || (app.map._panAnim && app.map._panAnim._inProgress) || transiting(app));
  }

  /**
   * After every move that the reader did not drag (a zoom, a tap on a cluster, a
   * search, a link), pan the map the least that takes the markers in view out from
   * under the controls; a place over the bottom sheet stays over it.  A drag is the
   * reader's: the map is left where they put it, and so is a view asked for (the
   * first view, a link's) until the next move.  Returns {runs, settled(), hold()}.
   */
  function KeepClear(app) {
    var map = app.map;
    var dragged = false, pending = false, held = false;
    var api = {
      runs: 0,
      settled: function () { return !pending && !moving(app); },
      /** The view now is one asked for (a first view, a link's): left as it is until the next move. */
      hold: function () { held = true; },
      /** Look again after the next frame: a selection, whose moves were left alone, has ended. */
      schedule: function () { schedule(); }
    };
    function run(frames, again) {
      if (moving(app) && frames < CLEAR_FRAMES) {
        requestAnimationFrame(function () { run(frames + 1, again); });
        return;
      }
      pending = false;
      api.runs += 1;
      if (held || app.selecting) return;
      var pan = clearPan(markerRects(app), controlRects(app).map(function (r) {
        return { left: r.left - GAP, top: r.top - GAP, right: r.right + GAP, bottom: r.bottom + GAP };
      }), openView(app));
      if (!pan) return;
      app.fitting = true; // not the reader's move
      map.panBy(pan, { animate: false });
      app.fitting = false;
      // the pan brings markers into view (the clusters add them): look once more
      if (again < CLEAR_AGAIN) {
        pending = true;
        requestAnimationFrame(function () { run(0, again + 1); });
      }
    }
    function schedule() {
      if (app.fitting || app.booting || pending) return;
      pending = true;
      requestAnimationFrame(function () { run(0, 0); });
    }
    map.on('movestart', function () { if (!app.fitting) held = false; });
    map.on('dragstart', function () { dragged = true; });
    map.on('moveend', function () {
      if (dragged) { dragged = false; return; }
      schedule();
    });
    map.on('popupopen', schedule);
    var cluster = app.view && app.view.cluster;
    if (cluster) {
      cluster.on('animationend', function () { if (!dragged) schedule(); });
      cluster.on('spiderfied', schedule);
    }
    return api;
  }

  lib.clear = { clearPan: clearPan, overlaps: overlaps, KeepClear: KeepClear };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
