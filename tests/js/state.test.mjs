// state.js: a place on a day, the timeline, the filters and the counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { state } = load('state.js');

/** A place as the page makes it: base is its state as now. */
function place(props) {
  const p = { id: 'p', kind: 'rtc', region: 'EUR', status: 'operational', lat: 1, lon: 2, life: null, ...props };
  p.base = { status: p.status, lat: p.lat, lon: p.lon };
  return p;
}

test('a place with no life is always as it is now', () => {
  const p = place({});
  assert.equal(state.stateAt(p, 19000101), p.base);
  assert.equal(state.stateAt(p, 21001231), p.base);
});

test('a place does not exist before it opened, and is as now from then', () => {
  const p = place({ life: [[20111017]] });
  assert.equal(state.stateAt(p, 20111016), null);
  assert.equal(state.stateAt(p, 20111017), p.base);
  assert.equal(state.stateAt(p, 20991231), p.base);
});

test('a piece runs from its first day up to, not including, its last', () => {
  const p = place({ status: 'closed', life: [[20000101, 20150101, 'operational'], [20150101]] });
  assert.deepEqual(plain(state.stateAt(p, 20141231)), { status: 'operational', lat: 1, lon: 2 });
  assert.equal(state.stateAt(p, 20150101), p.base);
});

test('a place with a closed end is gone after it', () => {
  const p = place({ life: [[null, 20150101]] });
  assert.equal(state.stateAt(p, 18000101), p.base);
  assert.equal(state.stateAt(p, 20150101), null);
});

test('the status of a piece that is the place\'s own is the place as now', () => {
  const p = place({ life: [[20100101, null, 'operational']] });
  assert.equal(state.stateAt(p, 20100101), p.base);
});

test('an office that moved sits at the seat of the day', () => {
  const p = place({
    lat: -34.9033, lon: -56.1882,
    life: [[20071109, 20170101, 'operational', -34.6131, -58.3772], [20170101, null, 'operational', -34.9033, -56.1882]],
  });
  assert.deepEqual(plain(state.stateAt(p, 20101231)), { status: 'operational', lat: -34.6131, lon: -58.3772 });
  assert.deepEqual(plain(state.stateAt(p, 20171231)), { status: 'operational', lat: -34.9033, lon: -56.1882 });
  assert.equal(state.stateAt(p, 20071108), null);
});

test('an empty life is never on the map', () => {
  assert.equal(state.stateAt(place({ life: [] }), 20200101), null);
});

test('sameState compares status and position', () => {
  const a = { status: 'planned', lat: 1, lon: 2 };
  assert.ok(state.sameState(a, { ...a }));
  assert.ok(state.sameState(null, null));
  assert.ok(!state.sameState(a, null));
  assert.ok(!state.sameState(null, a));
  assert.ok(!state.sameState(a, { ...a, status: 'closed' }));
  assert.ok(!state.sameState(a, { ...a, lon: 3 }));
});

test('the timeline runs to this year, or to its as-of year', () => {
  const t = state.Timeline({ first: 1952, last: 2017, asOf: null, unknown: 3 }, 2026);
  assert.deepEqual([t.enabled, t.first, t.last, t.unknown, t.year(), t.day()], [true, 1952, 2026, 3, null, null]);
  const then = state.Timeline({ first: 1952, last: 2010, asOf: 20100908, unknown: 0 }, 2026);
  assert.deepEqual([then.last, then.asOf], [2010, 20100908]);
});

test('a timeline year is the end of that year, kept within the timeline', () => {
  const t = state.Timeline({ first: 2000, last: 2010, asOf: 20100908, unknown: 0 }, 2026);
  t.set(2005);
  assert.deepEqual([t.year(), t.day()], [2005, 20051231]);
  t.set(1990);
  assert.equal(t.year(), 2000);
  t.set(2030);
  assert.equal(t.year(), 2010);
  t.set(null);
  assert.deepEqual([t.year(), t.day()], [null, null]);
});

test('a document with no dates has no timeline', () => {
  assert.equal(state.Timeline({ first: null, last: null, asOf: null, unknown: 5 }, 2026).enabled, false);
  assert.equal(state.Timeline(undefined, 2026).enabled, false);
});

const filters = (kinds, regions) => ({ kindsOn: new Map(kinds), regionsShown: new Map(regions) });

test('showAt sets each place\'s state of the day and whether the filters show it', () => {
  const places = [
    place({ id: 'a', life: [[20100101]] }),
    place({ id: 'b', kind: 'rilo' }),
    place({ id: 'c', region: 'AP' }),
  ];
  const f = filters([['rtc', true], ['rilo', false]], [['EUR', true], ['AP', true]]);
  state.showAt(places, 20091231, f);
  assert.deepEqual(places.map((p) => [p.now === null, p.on]), [[true, false], [false, false], [false, true]]);
  state.showAt(places, null, f);
  assert.deepEqual(places.map((p) => [p.now === p.base, p.on]), [[true, true], [true, false], [true, true]]);
});

test('presentCounts counts what exists, and how many show', () => {
  const places = [place({ id: 'a' }), place({ id: 'b', kind: 'rilo' }), place({ id: 'c', life: [[20300101]] })];
  state.showAt(places, 20201231, filters([['rtc', true], ['rilo', false]], [['EUR', true]]));
  const c = state.presentCounts(places);
  assert.equal(c.on, 1);
  assert.deepEqual(Object.fromEntries(c.kinds), { rtc: 1, rilo: 1 });
  assert.deepEqual(Object.fromEntries(c.regions), { EUR: 2 });
  assert.deepEqual(Object.fromEntries(c.statuses), { operational: 2 });
});

test('filterKey changes with any filter', () => {
  const f = filters([['rtc', true], ['rilo', true]], [['EUR', true], [null, false]]);
  assert.equal(state.filterKey(f), '1110');
  f.kindsOn.set('rilo', false);
  assert.equal(state.filterKey(f), '1010');
});

/** A small deterministic generator (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random places with lives of ordered, non-overlapping pieces (or none). */
function randomPlaces(rand, n) {
  const regions = ['EUR', 'AP', null, 'nowhere'];
  const kinds = ['rtc', 'rilo'];
  const day = (y) => y * 10000 + 101 + Math.floor(rand() * 12) * 100 + Math.floor(rand() * 28);
  return Array.from({ length: n }, (_, i) => {
    let life = null;
    if (rand() < 0.8) {
      life = [];
      let y = 1990 + Math.floor(rand() * 20);
      let from = rand() < 0.2 ? null : day(y);
      for (let k = 0, pieces = Math.floor(rand() * 4); k < pieces; k++) {
        y += 1 + Math.floor(rand() * 8);
        const to = rand() < 0.3 && k === pieces - 1 ? null : day(y);
        life.push([from, to, rand() < 0.5 ? 'operational' : 'planned']);
        if (to === null) break;
        if (rand() < 0.7) y += 1 + Math.floor(rand() * 3); // a gap before the next piece
        from = y * 10000 + 101 > to ? day(y) : to;
      }
    }
    return place({ id: 'p' + i, kind: kinds[i % 2], region: regions[Math.floor(rand() * regions.length)], life });
  });
}

test('countsPerYear agrees with stateAt at the end of every year', () => {
  const rand = random(7);
  const codes = ['EUR', 'AP', null];
  for (let round = 0; round < 25; round++) {
    const places = randomPlaces(rand, 60);
    const keep = (p) => p.kind === 'rtc' || round % 2 === 0;
    const first = 1995, last = 2030;
    const counts = plain(state.countsPerYear(places, codes, first, last, keep));
    const expected = codes.map((code) => {
      const row = [];
      for (let y = first; y <= last; y++) {
        row.push(places.filter((p) => keep(p) && p.region === code && state.stateAt(p, y * 10000 + 1231) !== null).length);
      }
      return row;
    });
    assert.deepEqual(counts, expected, 'round ' + round);
  }
});

test('a border post shows while the region of one of its sides does', () => {
  const p = place({ region: 'EUR', also: ['AP'] });
  const f = filters([['rtc', true]], [['EUR', false], ['AP', true]]);
  assert.equal(state.regionShown(p, f), true);
  f.regionsShown.set('AP', false);
  assert.equal(state.regionShown(p, f), false);
  assert.equal(state.regionShown(place({ region: 'EUR' }), filters([], [['EUR', true]])), true);
});

test('presentCounts counts a border post in each of its regions', () => {
  const places = [place({ id: 'a', region: 'EUR', also: ['AP'] }), place({ id: 'b', region: 'AP' })];
  state.showAt(places, null, filters([['rtc', true]], [['EUR', true], ['AP', true]]));
  const c = state.presentCounts(places);
  assert.deepEqual([c.regions.get('EUR'), c.regions.get('AP'), c.on], [1, 2, 2]);
});

test('a status filter hides places of that status on the day', () => {
  const places = [place({ id: 'a', life: [[19521104, 20100101, 'unknown'], [20100101]] })];
  const f = filters([['rtc', true]], [['EUR', true]]);
  f.statusesOn = new Map([['operational', true], ['unknown', false]]);
  state.showAt(places, 20051231, f);
  assert.equal(places[0].on, false);
  state.showAt(places, 20101231, f);
  assert.equal(places[0].on, true);
  assert.equal(state.filterKey(f), '1110');
  const counts = state.countsPerYear(places, ['EUR'], 2005, 2011, () => true, (s) => state.statusShown(s, f));
  assert.deepEqual(plain(counts), [[0, 0, 0, 0, 0, 1, 1]]);
});

test('whenElse says when a place that is not on the map is', () => {
  const p = place({ life: [[20230317]] });
  assert.deepEqual(plain(state.whenElse(p, 20101231)), { opens: 20230317 });
  assert.equal(state.whenElse(p, 20231231), null);
  const gone = place({ life: [[20000101, 20170101, 'operational']] });
  assert.deepEqual(plain(state.whenElse(gone, 20181231)), { gone: 20170101 });
  assert.equal(state.lastYearBefore(20170101), 2016);
  assert.equal(state.whenElse(place({ life: [] }), 20101231), null);
  assert.equal(state.whenElse(place({}), 20101231), null);
});
