/* geo atlas, state.js: what a place is on a day, which places show, and the counts the
 * legend and the timeline's chart give.  Days are numbers written YYYYMMDD.
 */
(function (lib) {
  'use strict';

  /**
   * A place at the end of a day (YYYYMMDD): {status, lat, lon}, or null before it
   * existed.  Life pieces are [from, to, status, lat, lon]; missing items are the
   * place's own (geo.render._life).  A place with no life is always as it is now
   * (p.base).
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

  /** Whether two states (or nulls) draw the same: status and position. */
  function sameState(a, b) {
    return a === b || (!!a && !!b && a.status === b.status && a.lat === b.lat && a.lon === b.lon);
  }

  /**
   * The timeline's state.  A year means the end of that year (31 December): the
   * places that existed then, with the status and seat they had.  null: as now.
   * Without an as-of date, the last year is at least thisYear.
   */
  function Timeline(info, thisYear) {
    var first = info ? info.first : null;
    var last = first === null ? null : info.asOf ? info.last : Math.max(info.last, thisYear);
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

  /**
   * Whether the region filter lets a place through: its own region is shown, or
   * (a border post) the region of one of its sides (p.also).
   */
  function regionShown(p, filters) {
    if (filters.regionsShown.get(p.region)) return true;
    var also = p.also || [];
    for (var i = 0; i < also.length; i++) if (filters.regionsShown.get(also[i])) return true;
    return false;
  }

  /** Whether a status shows (filters.statusesOn; a status it does not list shows). */
  function statusShown(status, filters) {
    return !filters.statusesOn || filters.statusesOn.get(status) !== false;
  }

  /**
   * Give every place its state on `day` (null: as now) in p.now, and in p.on whether
   * it shows: it exists then, and the filters (Maps of kind, region and status code
   * to a boolean) let it through.
   */
  function showAt(places, day, filters) {
    for (var i = 0; i < places.length; i++) {
      var p = places[i];
      p.now = day === null ? p.base : stateAt(p, day);
      p.on = !!p.now && !!filters.kindsOn.get(p.kind) && regionShown(p, filters) && statusShown(p.now.status, filters);
    }
  }

  /**
   * Places that exist now (p.now): per kind, region and status; and how many show (p.on).
   * A border post counts in its region and in each of its sides' (p.also), as on the
   * region maps.
   */
  function presentCounts(places) {
    var out = { kinds: new Map(), regions: new Map(), statuses: new Map(), on: 0 };
    function inc(m, k) { m.set(k, (m.get(k) || 0) + 1); }
    places.forEach(function (p) {
      if (p.on) out.on++;
      if (!p.now) return;
      inc(out.kinds, p.kind);
      inc(out.regions, p.region);
      (p.also || []).forEach(function (code) { inc(out.regions, code); });
      inc(out.statuses, p.now.status);
    });
    return out;
  }

  /** A key that changes when a filter does: one digit per kind, then per region, then per status. */
  function filterKey(filters) {
    var key = [];
    filters.kindsOn.forEach(function (on) { key.push(on ? 1 : 0); });
    filters.regionsShown.forEach(function (on) { key.push(on ? 1 : 0); });
    if (filters.statusesOn) filters.statusesOn.forEach(function (on) { key.push(on ? 1 : 0); });
    return key.join('');
  }

  /**
   * When a place that does not exist on `day` does: {opens: day} of its first piece
   * after `day`, else {gone: day} that its last piece before `day` ends; null when
   * it exists on `day` or never does.
   */
  function whenElse(p, day) {
    var life = p.life || [];
    var gone = null;
    for (var k = 0; k < life.length; k++) {
      var from = life[k].length > 0 ? life[k][0] : null;
      var to = life[k].length > 1 ? life[k][1] : null;
      if (from !== null && from > day) return { opens: from };
      if ((from === null || from <= day) && (to === null || day < to)) return null;
      if (to !== null && to <= day) gone = to;
    }
    return gone === null ? null : { gone: gone };
  }

  /** The last year whose end (31 December) falls before the day `to` (YYYYMMDD). */
  function lastYearBefore(to) {
    return Math.floor(to / 10000) - 1;
  }

  /**
   * Places at the end of each year from `first` to `last`, per region: one row per
   * code of `regionCodes` (in that order), one count per year.  keep(p) says
   * whether a place counts; a place with no life counts every year; keepStatus(s),
   * when given, whether a piece of that status does.  Each place counts once, in
   * the region where it lies (p.region).
   */
  function countsPerYear(places, regionCodes, first, last, keep, keepStatus) {
    var n = last - first + 1;
    var index = new Map();
    regionCodes.forEach(function (code, i) { index.set(code, i); });
    var diff = regionCodes.map(function () { return new Int32Array(n + 1); });
    function span(d, a, b) {
      a = Math.max(a, first) - first;
      b = Math.min(b, last + 1) - first;
      if (a < b) { d[a]++; d[b]--; }
    }
    places.forEach(function (p) {
      if (!keep(p)) return;
      var d = diff[index.get(p.region)];
      if (!d) return;
      if (!p.life) {
        if (!keepStatus || keepStatus(p.status)) span(d, first, last + 1);
        return;
      }
      p.life.forEach(function (s) {
        if (keepStatus && !keepStatus(s.length > 2 ? s[2] : p.status)) return;
        // From <= Y-12-31 < to: from the year of `from` up to the year before that of `to`.
        var from = s.length > 0 && s[0] !== null ? Math.floor(s[0] / 10000) : first;
        var to = s.length > 1 && s[1] !== null ? Math.floor(s[1] / 10000) : last + 1;
        span(d, from, to);
      });
    });
    return diff.map(function (d) {
      var out = new Array(n), run = 0;
      for (var i = 0; i < n; i++) { run += d[i]; out[i] = run; }
      return out;
    });
  }

  lib.state = {
    stateAt: stateAt,
    sameState: sameState,
    Timeline: Timeline,
    regionShown: regionShown,
    statusShown: statusShown,
    showAt: showAt,
    presentCounts: presentCounts,
    filterKey: filterKey,
    whenElse: whenElse,
    lastYearBefore: lastYearBefore,
    countsPerYear: countsPerYear
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
