/* geo atlas, download.js: download what is shown: the places the map shows now (the
 * filters and the timeline's year applied) as GeoJSON or CSV, made in the page, offline.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var COLUMNS = ['id', 'name', 'kind', 'status', 'country', 'region', 'source'];
  var FORMULA = /^[=+\-@\t\r]/; // what a spreadsheet would run as a formula
  var NEEDS_QUOTES = /[",\r\n]/;

  /** The shown places: their columns, and where each is in the timeline's year. */
  function shownRows(places) {
    var rows = [];
    places.forEach(function (p) {
      if (!p.on || !p.now) return;
      var row = {};
      COLUMNS.forEach(function (c) {
        var v = c === 'status' ? p.now.status : p[c];
        row[c] = v === undefined ? null : v;
      });
      row.lon = p.now.lon;
      row.lat = p.now.lat;
      rows.push(row);
    });
    return rows;
  }

  /** An RFC 7946 FeatureCollection of the shown places, as text. */
  function geojsonText(places) {
    var features = shownRows(places).map(function (row) {
      var props = {};
      COLUMNS.forEach(function (c) { props[c] = row[c]; });
      return { type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [row.lon, row.lat] } };
    });
    return JSON.stringify({ type: 'FeatureCollection', features: features }) + '\n';
  }

  /** A CSV cell: text neutralised for spreadsheets (a leading '), quoted when needed. */
  function cell(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') return String(value);
    var text = String(value).split('\u0000').join('');
    if (FORMULA.test(text)) text = '\'' + text;
    return NEEDS_QUOTES.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** The shown places as CSV text: a header, then a line per place, lon and lat last. */
  function csvText(places) {
    var head = COLUMNS.concat(['lon', 'lat']);
    var lines = [head.join(',')];
    shownRows(places).forEach(function (row) {
      lines.push(head.map(function (c) { return cell(row[c]); }).join(','));
    });
    return lines.join('\r\n') + '\r\n';
  }

  /** Save text as a file, from the page itself (no request leaves it). */
  function save(text, type, name) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = util.h('a', { href: url, attrs: { download: name } });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function DownloadControl(app, options) {
    return util.control(options, function () {
      var bar = util.h('div', { className: 'leaflet-bar atlas-buttons atlas-download', attrs: { role: 'group', 'aria-label': util.t(app, 'control.download') } });
      [
        { key: 'geojson', type: 'application/geo+json', name: 'places.geojson', make: geojsonText,
          title: util.t(app, 'control.download_geojson'), text: util.t(app, 'control.download_geojson_short') },
        { key: 'csv', type: 'text/csv', name: 'places.csv', make: csvText,
          title: util.t(app, 'control.download_csv'), text: util.t(app, 'control.download_csv_short') }
      ].forEach(function (f) {
        var button = util.h('button', {
          type: 'button', className: 'atlas-button atlas-download-' + f.key, title: f.title,
          textContent: f.text, attrs: { 'aria-label': f.title }
        });
        button.addEventListener('click', function () { save(f.make(app.places), f.type, f.name); });
        bar.appendChild(button);
      });
      util.isolate(bar);
      return bar;
    });
  }

  lib.download = { DownloadControl: DownloadControl, geojsonText: geojsonText, csvText: csvText, cell: cell };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
