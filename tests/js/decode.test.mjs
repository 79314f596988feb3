// decode.js: the data document's compact forms, as geo.render writes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { decode } = load('decode.js');
// The polyline algorithm's own example (steps of 1e-5 degree).
const EXAMPLE = '_p~iF~ps|U_ulLnnqC_mqNvxq`@';
const EXAMPLE_POINTS = [[38.5, -120.2], [40.7, -120.95], [43.252, -126.453]];

test('polyline decodes the algorithm example', () => {
  assert.deepEqual(plain(decode.polyline(EXAMPLE, 1e5)), EXAMPLE_POINTS);
  assert.deepEqual(plain(decode.polyline('', 1e5)), []);
});

test('polyline reads steps on the grid it is given', () => {
  // The same integers on a grid of 1e-7 degree: positions a hundred times smaller.
  const points = decode.polyline(EXAMPLE, 1e7);
  points.forEach(([lat, lon], i) => {
    assert.ok(Math.abs(lat - EXAMPLE_POINTS[i][0] / 100) < 1e-12, 'lat ' + i);
    assert.ok(Math.abs(lon - EXAMPLE_POINTS[i][1] / 100) < 1e-12, 'lon ' + i);
  });
});

test('countryRings decodes every ring of every part on the 1/100 degree grid', () => {
  const rings = plain(decode.countryRings([[EXAMPLE, EXAMPLE], [EXAMPLE]]));
  const ring = plain(decode.polyline(EXAMPLE, 100));
  assert.deepEqual(rings, [[ring, ring], [ring]]);
});

test('strings decodes dictionary coding', () => {
  assert.deepEqual(plain(decode.strings({ dict: ['a', 'b'], index: [0, 1, 0, 0] })), ['a', 'b', 'a', 'a']);
});

test('strings decodes front coding', () => {
  assert.deepEqual(plain(decode.strings({ front: [0, 4, 5], rest: ['rtc-1', '2', '0'] })), ['rtc-1', 'rtc-2', 'rtc-20']);
  assert.deepEqual(plain(decode.strings({ front: [], rest: [] })), []);
});

test('front coding counts UTF-16 code units, as geo.render writes it', () => {
  // '\u{1F600}' is two code units: the second string shares three with the first.
  const col = { front: [0, 3, 0], rest: ['\u{1F600}ab', 'c', 'Horgoš'] };
  assert.deepEqual(plain(decode.strings(col)), ['\u{1F600}ab', '\u{1F600}ac', 'Horgoš']);
});

const PROFILES = [
  { kind: 'rocb', status: 'operational', region: 'EUR', country: 'Azerbaijan', source: 'WCO',
    href: 'https://www.wcoomd.org/', terms: 'ROCB', rows: [['City', 'Baku'], ['Coordinates', null]],
    life: [[20111017]] },
  { kind: 'border_post', status: 'operational', region: 'EUR', country: 'Azerbaijan', source: 'x',
    href: null, terms: '', rows: [], life: null },
];
const TABLE = {
  n: 3,
  scale: 100000,
  coords: EXAMPLE,
  id: { front: [0, 5, 0], rest: ['rocb-europe', 'x', 'samur'] },
  name: { dict: ['ROCB Europe', 'Samur'], index: [0, 0, 1] },
  profile: [0, 0, 1],
  profiles: PROFILES,
};

test('readPlaces makes a place of each row of the compact table', () => {
  const places = plain(decode.readPlaces({ table: TABLE }));
  assert.deepEqual(places.map((p) => [p.id, p.name, p.lat, p.lon]), [
    ['rocb-europe', 'ROCB Europe', 38.5, -120.2],
    ['rocb-x', 'ROCB Europe', 40.7, -120.95],
    ['samur', 'Samur', 43.252, -126.453],
  ]);
  const keys = ['kind', 'status', 'region', 'country', 'source', 'href', 'terms', 'rows', 'life'];
  for (const [i, p] of places.entries()) {
    const profile = PROFILES[TABLE.profile[i]];
    assert.deepEqual(Object.fromEntries(keys.map((k) => [k, p[k]])), plain(profile), p.id);
  }
});

test('readPlaces shares a profile\'s rows and life between its places', () => {
  const places = decode.readPlaces({ table: TABLE });
  assert.equal(places[0].rows, places[1].rows);
  assert.equal(places[0].life, places[1].life);
});

test('readPlaces gives the lines of a document without a table as they are', () => {
  const lines = [{ id: 'a', lat: 1, lon: 2 }];
  assert.equal(decode.readPlaces({ places: lines }), lines);
});

test('decimals follow the table\'s grid (5 for lines)', () => {
  assert.equal(decode.decimals({ table: TABLE }), 5);
  assert.equal(decode.decimals({ table: { scale: 1000 } }), 3);
  assert.equal(decode.decimals({ places: [] }), 5);
});
