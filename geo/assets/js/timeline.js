/* geo atlas, timeline.js: the timeline control: a year slider (the network at the end
 * of that year), play and pause, "as of" (every place, as now), and a chart of the
 * places on the map at the end of each year, per region.
 * The page's API gets timeline.{first, last, unknown, setYear, showAll, play, pause,
 * year, playing, perYear}.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var SVGNS = util.SVGNS;
  var PLAY_MS = 900; // one year of the timeline's play
  var CHART_W = 300, CHART_H = 56; // the chart's viewBox

  /** Counts per region and year (state.countsPerYear) with the filters; kept until a filter changes. */
  function perYear(app) {
    var cache = { key: null, counts: null };
    var filters = app.state;
    var codes = app.data.regions.map(function (r) { return r.code; });
    function keep(p) { return !!filters.kindsOn.get(p.kind) && lib.state.regionShown(p, filters); }
    function keepStatus(status) { return lib.state.statusShown(status, filters); }
    return function () {
      var key = lib.state.filterKey(filters);
      if (cache.key !== key) {
        cache = { key: key, counts: lib.state.countsPerYear(app.places, codes, app.timeline.first, app.timeline.last, keep, keepStatus) };
      }
      return cache.counts;
    };
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    for (var name in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, name)) node.setAttribute(name, attrs[name]);
    }
    return node;
  }

  function timelineBox(app) {
    var timeline = app.timeline;
    var first = timeline.first, last = timeline.last;
    var unknown = timeline.unknown;
    var t = function (id, params) { return util.t(app, id, params); };
    var ui = {
      nowLabel: timeline.asOf ? t('timeline.as_of', { date: util.dayText(app, timeline.asOf) }) : t('timeline.today'),
      box: h('div', { className: 'atlas-timeline', attrs: { role: 'group', 'aria-labelledby': 'atlas-timeline-title' } }),
      out: h('output', { className: 'atlas-timeline-year', htmlFor: 'atlas-year', attrs: { 'aria-live': 'polite' } }),
      play: h('button', { type: 'button', className: 'atlas-button atlas-play', attrs: { 'aria-pressed': 'false' } }),
      slider: h('input', { type: 'range', id: 'atlas-year', className: 'atlas-year', min: String(first), max: String(last), step: '1', value: String(last) }),
      chart: svg('svg', { 'class': 'atlas-chart', viewBox: '0 0 ' + CHART_W + ' ' + CHART_H, preserveAspectRatio: 'none', role: 'img' }),
      axis: h('div', { className: 'atlas-chart-axis', attrs: { 'aria-hidden': 'true' } }, [
        h('span', { textContent: String(first) }), h('span', { className: 'atlas-chart-max' }), h('span', { textContent: String(last) })
      ])
    };
    ui.all = h('button', { type: 'button', className: 'atlas-now', textContent: ui.nowLabel, attrs: { 'aria-pressed': 'true' } });
    var title = h('span', { id: 'atlas-timeline-title', className: 'atlas-timeline-title', textContent: t('timeline.title') });
    var label = h('label', { className: 'atlas-sr', htmlFor: 'atlas-year', textContent: t('timeline.year') });
    ui.box.appendChild(h('div', { className: 'atlas-timeline-head' }, [title, ui.out]));
    ui.box.appendChild(h('div', { className: 'atlas-timeline-row' }, [ui.play, label, ui.slider, ui.all]));
    ui.box.appendChild(ui.chart);
    ui.box.appendChild(ui.axis);
    if (unknown) {
      ui.box.appendChild(h('p', { className: 'atlas-timeline-note', textContent: t('timeline.note', { n: unknown, first: timeline.first }) }));
    }
    return ui;
  }

  /** The year and play state: setYear(y) (null: as now), start(), stop(), playing(). */
  function Player(app, ui) {
    var timeline = app.timeline;
    var first = timeline.first, last = timeline.last;
    var timer = null;
    var player = {};
    player.setYear = function (y) {
      timeline.set(y);
      var year = timeline.year();
      ui.slider.value = String(year === null ? last : year);
      var text = year === null ? util.t(app, 'timeline.every_place', { label: ui.nowLabel }) : util.t(app, 'timeline.end_of', { year: year });
      ui.slider.setAttribute('aria-valuetext', text);
      ui.out.textContent = text;
      ui.all.setAttribute('aria-pressed', year === null ? 'true' : 'false');
      ui.box.classList.toggle('atlas-timeline-on', year !== null);
      app.refresh();
    };
    function setPlaying(on) {
      ui.play.setAttribute('aria-pressed', on ? 'true' : 'false');
      ui.play.setAttribute('aria-label', util.t(app, on ? 'timeline.pause' : 'timeline.play'));
      ui.play.title = util.t(app, on ? 'timeline.pause' : 'timeline.play');
      ui.play.innerHTML = on ? lib.symbols.ICONS.pause : lib.symbols.ICONS.play; // constant markup
    }
    player.stop = function () {
      if (timer !== null) clearInterval(timer);
      timer = null;
      setPlaying(false);
    };
    function step() {
      var year = timeline.year();
      if (year === null || year >= last) { player.stop(); return; }
      player.setYear(year + 1);
      if (timeline.year() >= last) player.stop();
    }
    player.start = function () {
      var year = timeline.year();
      if (year === null || year >= last) player.setYear(first);
      timer = setInterval(step, PLAY_MS);
      setPlaying(true);
    };
    player.playing = function () { return timer !== null; };
    setPlaying(false);
    return player;
  }

  /** The bars of one year (column i): one per region with places, stacked, under a tooltip. */
  function yearBars(app, counts, i, w, scale, total) {
    var g = svg('g', {});
    var tip = svg('title', {});
    tip.textContent = util.t(app, 'timeline.year_total', { year: app.timeline.first + i, places: util.t(app, 'count.places', { n: total }) });
    g.appendChild(tip);
    var y = CHART_H;
    app.data.regions.forEach(function (r, k) {
      var v = counts[k][i];
      if (!v) return;
      var hgt = v / scale * 54;
      y -= hgt;
      g.appendChild(svg('rect', {
        x: String(i * w + w * 0.1), y: String(y), width: String(Math.max(w * 0.8, 0.6)), height: String(hgt),
        fill: r.color ? util.safeColor(r.color, '#b3b3b3') : '#b3b3b3'
      }));
    });
    return g;
  }

  /** Draw the chart, mark the timeline's year, and say its numbers (aria-label, axis). */
  function drawChart(app, ui, counts) {
    var first = app.timeline.first, last = app.timeline.last;
    var n = last - first + 1;
    var totals = new Array(n).fill(0);
    counts.forEach(function (row) { row.forEach(function (v, i) { totals[i] += v; }); });
    var max = Math.max(1, Math.max.apply(null, totals));
    var year = app.timeline.year();
    var w = CHART_W / n;
    var chart = ui.chart;
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    if (year !== null) {
      chart.appendChild(svg('rect', { 'class': 'atlas-chart-year', x: String((year - first) * w), y: '0', width: String(Math.max(w, 2)), height: String(CHART_H) }));
    }
    for (var i = 0; i < n; i++) chart.appendChild(yearBars(app, counts, i, w, max, totals[i]));
    var at = year === null ? n - 1 : year - first;
    var parts = [];
    app.data.regions.forEach(function (r, k) { if (counts[k][at]) parts.push(r.name + ' ' + util.num(app, counts[k][at])); });
    chart.setAttribute('aria-label', util.t(app, 'timeline.chart', {
      first: first, last: last, year: first + at, total: util.num(app, totals[at]),
      regions: parts.length ? util.t(app, 'timeline.chart_regions', { list: parts.join(', ') }) : ''
    }));
    ui.axis.querySelector('.atlas-chart-max').textContent = util.t(app, 'timeline.at_most', { n: Math.max.apply(null, totals) });
  }

  function TimelineControl(app, options) {
    return util.control(options, function () {
      var timeline = app.timeline;
      var ui = timelineBox(app);
      var player = Player(app, ui);
      var counts = perYear(app);
      ui.slider.addEventListener('input', function () { player.stop(); player.setYear(Number(ui.slider.value)); });
      ui.play.addEventListener('click', function () { if (player.playing()) player.stop(); else player.start(); });
      ui.all.addEventListener('click', function () { player.stop(); player.setYear(null); });
      app.listeners.push(function () { drawChart(app, ui, counts()); });
      player.setYear(null);
      app.setYear = function (y) { player.stop(); player.setYear(y); };
      util.isolate(ui.box);
      app.api.timeline = {
        first: timeline.first, last: timeline.last, unknown: timeline.unknown,
        setYear: player.setYear, showAll: function () { player.stop(); player.setYear(null); },
        play: player.start, pause: player.stop,
        year: function () { return timeline.year(); },
        playing: player.playing,
        perYear: counts
      };
      return ui.box;
    });
  }

  lib.timeline = { TimelineControl: TimelineControl };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
