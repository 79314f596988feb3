// download.js: the shown places as GeoJSON and CSV, made in the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { download } = load('util.js', 'download.js');

const places = [
  { id: 'a', name: '=HYPERLINK("x")', kind: 'rtc', country: 'Azerbaijan', region: 'EUR', source: 'https://a', on: true, now: { status: 'operational', lat: 40.41, lon: 49.87 } },
  { id: 'b', name: 'Hidden, by a filter', kind: 'rilo', country: 'Belgium', region: 'EUR', source: 's', on: false, now: { status: 'operational', lat: 50.85, lon: 4.37 } },
  { id: 'c', name: 'Moved "seat"', kind: 'rocb', region: null, source: '-1', on: true, now: { status: 'closed', lat: -34.9, lon: -56.19 } },
  { id: 'd', name: 'Not yet open', kind: 'rtc', source: 's', on: false, now: null }
];

test('GeoJSON holds exactly the shown places, where the timeline puts them', () => {
  const doc = plain(JSON.parse(download.geojsonText(places)));
  assert.equal(doc.type, 'FeatureCollection');
  assert.deepEqual(doc.features.map((f) => f.properties.id), ['a', 'c']);
  assert.deepEqual(doc.features[1].geometry, { type: 'Point', coordinates: [-56.19, -34.9] });
  assert.equal(doc.features[1].properties.status, 'closed');
  assert.equal(doc.features[0].properties.name, '=HYPERLINK("x")'); // data, not a spreadsheet
  assert.equal(doc.features[1].properties.country, null);
});

test('CSV lines are the shown places, neutralised for spreadsheets and quoted', () => {
  const lines = download.csvText(places).split('\r\n');
  assert.equal(lines[0], 'id,name,kind,status,country,region,source,lon,lat');
  assert.equal(lines[1], 'a,"\'=HYPERLINK(""x"")",rtc,operational,Azerbaijan,EUR,https://a,49.87,40.41');
  assert.equal(lines[2], 'c,"Moved ""seat""",rocb,closed,,,\'-1,-56.19,-34.9');
  assert.equal(lines.length, 4); // and the final line break
});

test('a cell keeps numbers, drops NUL and quotes what needs it', () => {
  assert.equal(download.cell(-3.5), '-3.5');
  assert.equal(download.cell('@SUM(A1)'), '\'@SUM(A1)');
  assert.equal(download.cell('a\u0000b'), 'ab');
  assert.equal(download.cell('line\nbreak'), '"line\nbreak"');
  assert.equal(download.cell(null), '');
});
