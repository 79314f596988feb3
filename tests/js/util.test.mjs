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

// The words of a page (the data document's "words": geo.render.words.page_words).
const WORDS = {
  en: {
    'coords.text': '{lat}° {ns}, {lon}° {ew}', 'coords.north': 'N', 'coords.south': 'S',
    'coords.east': 'E', 'coords.west': 'W',
    'units.km_nmi': '{km} km ({nmi} nmi)', 'units.m': '{m} m',
    'count.places': { one: '{n} place', other: '{n} places' },
    'date.day_one': '1',
    'search.opens': 'Opens {date}: show {year}', 'search.opens|year': 'Opens in {date}: show {year}',
    'search.opens|month': 'Opens in {date}: show {year}'
  },
  fr: {
    'coords.text': '{lat}° {ns}, {lon}° {ew}', 'coords.north': 'N', 'coords.south': 'S',
    'coords.east': 'E', 'coords.west': 'O',
    'units.km_nmi': '{km} km ({nmi} NM)', 'units.m': '{m} m',
    'count.places': { one: '{n} lieu', other: '{n} lieux' },
    'date.day_one': '1er',
    'search.opens': 'Ouverture le {date} : afficher {year}',
    'search.opens|year': 'Ouverture en {date} : afficher {year}',
    'search.opens|month': 'Ouverture en {date} : afficher {year}'
  }
};
const EN = { words: WORDS.en, data: { locale: 'en-GB' } };
const FR = { words: WORDS.fr, data: { locale: 'fr' } };

test('formatKm gives km and nautical miles, metres under a kilometre, in the map\'s language', () => {
  assert.equal(util.formatKm(EN, 0.4567), '457 m');
  assert.equal(util.formatKm(EN, 12.3456), '12.35 km (6.67 nmi)');
  assert.equal(util.formatKm(EN, 186.2), '186.2 km (100.5 nmi)');
  assert.equal(util.formatKm(EN, 12345.678), '12,345.7 km (6,666.1 nmi)');
  assert.equal(util.formatKm(FR, 12345.678), '12\u202f345,7 km (6\u202f666,1 NM)');
  assert.equal(util.formatKm(FR, 12.3456), '12,35 km (6,67 NM)');
});

test('coordsText names the hemispheres and undoes shifted longitudes', () => {
  assert.equal(util.coordsText(EN, 40.3777, 49.892, 5), '40.37770° N, 49.89200° E');
  assert.equal(util.coordsText(EN, -34.6131, -58.3772, 2), '34.61° S, 58.38° W');
  assert.equal(util.coordsText(EN, -18.14, 181.56, 2), '18.14° S, 178.44° W'); // east of the antimeridian
  assert.equal(util.coordsText(EN, 0, -180.5, 1), '0.0° N, 179.5° E');
  assert.equal(util.coordsText(EN, 0, 180, 0), '0° N, 180° W');
  assert.equal(util.coordsText(FR, -34.6131, -58.3772, 2), '34,61° S, 58,38° O');
});

test('dayText writes a YYYYMMDD day as the map\'s language does', () => {
  assert.equal(util.dayText(EN, 20100908), '8 September 2010');
  assert.equal(util.dayText(FR, 20100908), '8 septembre 2010');
  assert.equal(util.dayText(EN, '2010'), '2010');
});

test('dayText writes the first of a month with the catalogue\'s date.day_one (French: 1er)', () => {
  assert.equal(util.dayText(FR, 19061101), '1er novembre 1906');
  assert.equal(util.dayText(FR, 20100910), '10 septembre 2010'); // only the first day
  assert.equal(util.dayText(FR, 20100921), '21 septembre 2010');
  assert.equal(util.dayText(EN, 20100901), '1 September 2010');
  assert.equal(util.dayText(FR, '00450301'), '1er mars 45'); // years before 100 stay themselves
  assert.equal(util.dayText({ data: { locale: 'fr' } }, 20100901), '1 septembre 2010'); // no words: CLDR's own
});

test('dayText keeps a date\'s precision: YYYY0000 is a year, YYYYMM00 a month', () => {
  assert.equal(util.dayText(EN, 20050000), '2005');
  assert.equal(util.dayText(FR, 20050300), 'mars 2005');
  assert.equal(util.dayText(EN, 20050300), 'March 2005');
  assert.equal(util.dayText(FR, 20050301), '1er mars 2005'); // a day
  assert.deepEqual([20050000, 20050300, 20050317].map(util.dayShape), ['year', 'month', 'day']);
});

test('dated says a date in the words its precision takes', () => {
  assert.equal(util.dated(EN, 'search.opens', 20050000, { year: 2005 }), 'Opens in 2005: show 2005');
  assert.equal(util.dated(FR, 'search.opens', 20050000, { year: 2005 }), 'Ouverture en 2005 : afficher 2005');
  assert.equal(util.dated(FR, 'search.opens', 20050300, { year: 2005 }), 'Ouverture en mars 2005 : afficher 2005');
  assert.equal(util.dated(FR, 'search.opens', 20050317, { year: 2005 }), 'Ouverture le 17 mars 2005 : afficher 2005');
  assert.equal(util.dated(EN, 'search.gone', 20050000, {}), 'search.gone'); // no text: its id
});

test('num writes a number with the language\'s grouping and decimal sign', () => {
  assert.equal(util.num(EN, 100000), '100,000');
  assert.equal(util.num(FR, 100000), '100\u202f000');
  assert.equal(util.num(FR, 2.5, 1), '2,5');
  assert.equal(util.num(FR, 2, 2, true), '2,00');
  assert.equal(util.num({}, 1234), '1,234'); // no locale: English
});

test('t picks a plural form by the language\'s rules and writes the count', () => {
  assert.equal(util.t(EN, 'count.places', { n: 1 }), '1 place');
  assert.equal(util.t(EN, 'count.places', { n: 0 }), '0 places');
  assert.equal(util.t(EN, 'count.places', { n: 100000 }), '100,000 places');
  assert.equal(util.t(FR, 'count.places', { n: 0 }), '0 lieu'); // French: 0 and 1 are singular
  assert.equal(util.t(FR, 'count.places', { n: 2 }), '2 lieux');
  assert.equal(util.t(FR, 'count.places', { n: 1000000 }), '1\u202f000\u202f000 lieux'); // 'many': the other form
  assert.equal(util.t(FR, 'count.places'), '{n} lieux'); // no count: the other form, unfilled
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

test('short cuts a long text to SHORT characters with an ellipsis, never half a pair', () => {
  assert.equal(util.short('Samur'), 'Samur');
  assert.equal(util.short(null), '');
  const long = 'x'.repeat(1000000);
  assert.equal(util.short(long).length, util.SHORT);
  assert.ok(util.short(long).endsWith('\u2026'));
  assert.equal(util.short('abcdef', 4), 'abc\u2026');
  const globes = '🌍'.repeat(100); // 200 UTF-16 units
  for (let n = 2; n < 12; n++) {
    const cut = util.short(globes, n);
    assert.ok(cut.length <= n && !/[\ud800-\udbff]\u2026$/.test(cut), cut);
  }
  assert.equal(util.clip('a🌍', 2), 'a');
  assert.equal(util.clip('a🌍', 3), 'a🌍');
});
