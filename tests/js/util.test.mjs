// util.js: escaping, search folding, colours and formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { util } = load('util.js');

test('esc escapes every character that could end an attribute or start markup', () => {
  assert.equal(util.esc('<b class="x">O\'Hare & `co`</b>'),
    '&#60;b class=&#34;x&#34;&#62;O&#39;Hare &#38; &#96;co&#96;&#60;/b&#62;');
  assert.equal(util.esc('</script><!--'), '&#60;/script&#62;&#60;!--');
  assert.equal(util.esc('plain text, déjà vu'), 'plain text, déjà vu');
});

test('esc takes any value as text', () => {
  assert.equal(util.esc(12), '12');
  assert.equal(util.esc(null), 'null');
  assert.equal(util.esc(undefined), 'undefined');
});

test('fold drops accents and case, and reads a dotless i as i', () => {
  assert.equal(util.fold('Horgoš – Röszke'), 'horgos – roszke');
  assert.equal(util.fold('Kapıkule'), 'kapikule');
  assert.equal(util.fold('İSTANBUL'), 'istanbul');
  assert.equal(util.fold('ÉCOLE Ñandú'), 'ecole nandu');
});

test('fold makes empty text of nothing', () => {
  assert.equal(util.fold(null), '');
  assert.equal(util.fold(undefined), '');
  assert.equal(util.fold(''), '');
  assert.equal(util.fold(0), '');
});

test('safeColor passes only #rrggbb', () => {
  assert.equal(util.safeColor('#1a2B3c', '#000000'), '#1a2B3c');
  for (const bad of ['red', '#abc', '#12345g', 'url(#x)', '#123456"/><script>', null, 42]) {
    assert.equal(util.safeColor(bad, '#000000'), '#000000', String(bad));
  }
});

test('tint mixes with white', () => {
  assert.equal(util.tint('#204080', 0), '#204080');
  assert.equal(util.tint('#204080', 1), '#ffffff');
  assert.equal(util.tint('#000000', 0.5), '#808080');
  assert.equal(util.tint('#0a0b0c', 0), '#0a0b0c'); // two hex digits each
  assert.equal(util.regionFill('#000000'), '#2e2e2e'); // 18 % white
  assert.equal(util.regionFill('url(#x)'), util.tint('#b3b3b3', 0.18));
});

test('formatKm gives km and nautical miles, metres under a kilometre', () => {
  assert.equal(util.formatKm(0.4567), '457 m');
  assert.equal(util.formatKm(12.3456), '12.35 km (6.67 nmi)');
  assert.equal(util.formatKm(186.2), '186.2 km (100.5 nmi)');
  assert.equal(util.formatKm(12345.678), '12,345.7 km (6,666.1 nmi)');
});

test('coordsText names the hemispheres and undoes shifted longitudes', () => {
  assert.equal(util.coordsText(40.3777, 49.892, 5), '40.37770° N, 49.89200° E');
  assert.equal(util.coordsText(-34.6131, -58.3772, 2), '34.61° S, 58.38° W');
  assert.equal(util.coordsText(-18.14, 181.56, 2), '18.14° S, 178.44° W'); // east of the antimeridian
  assert.equal(util.coordsText(0, -180.5, 1), '0.0° N, 179.5° E');
  assert.equal(util.coordsText(0, 180, 0), '0° N, 180° W');
});

test('dayText writes a YYYYMMDD day as ISO', () => {
  assert.equal(util.dayText(20100908), '2010-09-08');
  assert.equal(util.dayText('2010'), '2010');
});

test('t reads a phrase of the page\'s words and fills its placeholders as text', () => {
  const app = { words: { 'search.opens': 'Opens {date}: show {year}', plain: 'No place matches' } };
  assert.equal(util.t(app, 'search.opens', { date: '2023-03-17', year: 2023 }), 'Opens 2023-03-17: show 2023');
  assert.equal(util.t(app, 'plain'), 'No place matches');
  assert.equal(util.t(app, 'search.opens', { date: '{year}', year: '<b>' }), 'Opens {year}: show <b>'); // one pass
  assert.equal(util.t(app, 'search.opens', {}), 'Opens {date}: show {year}'); // missing: left as is
  assert.equal(util.t(app, 'no.such.id'), 'no.such.id');
  assert.equal(util.t({}, 'toString'), 'toString'); // not a phrase the table inherits
  assert.equal(util.t(app, 'search.opens', Object.create({ date: 'x' })), 'Opens {date}: show {year}');
});
