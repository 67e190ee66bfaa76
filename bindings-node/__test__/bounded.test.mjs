// Bounded resources (issue 17, part 2): an array's declared length (a sparse array's, up to
// 2^32 - 1, holds no element) is checked against the core's limits before anything is
// allocated for it. Each of these aborted the process ("memory allocation of N bytes failed").
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu, throwsCode } from './helpers.mjs'

const MAX_BATCH_ROWS = 2 ** 27 // anbu::limits::MAX_BATCH_ROWS
const sparse = (n) => new Array(n)
const huge = () => sparse(2 ** 32 - 1)
const pastRows = (name) => `argument \`${name}\`: 4294967295 rows, at most ${MAX_BATCH_ROWS}`

function engine() {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-1', profile: 'full' })
  return e
}

test('events: a sparse array at the row limit is read row by row, one past it is refused', () => {
  const e = engine()
  throwsCode(assert, () => e.ingest(sparse(MAX_BATCH_ROWS)), 'ANBU_INVALID_ARGUMENT', 'an event must be an object, got undefined')
  throwsCode(assert, () => e.ingest(sparse(MAX_BATCH_ROWS + 1)), 'ANBU_INVALID_ARGUMENT', `${MAX_BATCH_ROWS + 1} rows, at most ${MAX_BATCH_ROWS}`)
  throwsCode(assert, () => e.ingest(huge()), 'ANBU_INVALID_ARGUMENT', pastRows('events'))
  throwsCode(assert, () => anbu.replay(huge(), [{ person: 'p-1', profile: 'full' }]), 'ANBU_INVALID_ARGUMENT', pastRows('events'))
  assert.equal(e.assess('p-1', '2024-05-01T09:00:00+09:00').score, 0)
})

test('columns and their dictionaries: a sparse array is refused by its length', () => {
  const e = engine()
  throwsCode(assert, () => e.ingestColumns({ person: huge(), ts: huge(), signal: huge() }), 'ANBU_INVALID_ARGUMENT', pastRows('columns'))
  const dict = { person: { codes: new Int32Array(1), values: huge() }, ts: new Float64Array(1), signal: ['sos'] }
  throwsCode(assert, () => e.ingestColumns(dict), 'ANBU_INVALID_ARGUMENT', pastRows('columns'))
})

test('persons, their devices, incidents, profiles and sweep values: a sparse array is refused by its length', () => {
  throwsCode(assert, () => anbu.replay([], huge()), 'ANBU_INVALID_ARGUMENT', pastRows('persons'))
  throwsCode(assert, () => anbu.replay([], [], { profiles: huge() }), 'ANBU_INVALID_ARGUMENT', pastRows('profiles'))
  throwsCode(assert, () => anbu.sweep([], [], [], 'levels.warning', huge()), 'ANBU_INVALID_ARGUMENT', pastRows('values'))
  throwsCode(assert, () => engine().addPerson({ person: 'p-2', profile: 'full', devices: huge() }), 'ANBU_INVALID_ARGUMENT', pastRows('person'))
  throwsCode(assert, () => anbu.backtest([], huge(), []), 'ANBU_INVALID_ARGUMENT', pastRows('incidents'))
})

test('JSON-like arguments: an array longer than the value budget is refused before it is read', () => {
  const tooMany = 'more than 1000000 values'
  throwsCode(assert, () => anbu.Profile.fromObject({ name: 'x', extends: 'full', signals: huge() }), 'ANBU_INVALID_ARGUMENT', tooMany)
  throwsCode(assert, () => anbu.backtest(huge(), [], []), 'ANBU_INVALID_ARGUMENT', tooMany)
  // Within the budget, a list is read as before (a hole is not a value).
  throwsCode(assert, () => anbu.backtest(sparse(3), [], []), 'ANBU_INVALID_ARGUMENT', 'undefined cannot be read as JSON')
  assert.equal(anbu.Profile.fromObject({ name: 'x', extends: 'full', signals: ['call', 'door'] }).toObject().signals.length, 2)
})

test('replay: more rows than become JavaScript objects at once is refused before it runs', () => {
  // 500,001 hourly rows (anbu::limits::MAX_OBJECT_ROWS + 1): a million rows took 1.8 GB of
  // heap, and a few million ended the process ("JavaScript heap out of memory").
  const t0 = Date.parse('1990-01-01T00:00:00Z')
  const events = (hours) => [{ person: 'p-1', ts: t0, signal: 'sos' }, { person: 'p-1', ts: t0 + hours * 3600_000, signal: 'sos' }]
  const persons = [{ person: 'p-1', profile: 'full' }]
  const past = 'argument `every`: 3600000 ms from person `p-1`\'s first event (1990-01-01T00:00:00Z) to the input\'s last (2047-01-15T08:00:00Z) gives 500001 rows, 500001 in all, over the limit of 500000'
  // The replay's clock past the last event, so that it is not refused as dated ahead of the wall clock.
  const clock = { clock: '2048-01-01T00:00:00Z' }
  throwsCode(assert, () => anbu.replay(events(500_000), persons, clock), 'ANBU_INVALID_ARGUMENT', past)
  throwsCode(assert, () => anbu.replayClosedLoop(events(500_000), persons, () => null, clock), 'ANBU_INVALID_ARGUMENT', past)
  assert.equal(anbu.replay(events(3), persons).length, 4)
})

test('JSON-like arguments: at most 128 levels deep and a million values', () => {
  // At the limit the value is read (and the profile then judges it); one past, refused.
  const nested = (levels) => { let v = 1; for (let i = 0; i < levels; i++) v = [v]; return v }
  const doc = (signals) => ({ name: 'x', extends: 'full', signals })
  // The document is one level, `signals` the rest.
  throwsCode(assert, () => anbu.Profile.fromObject(doc(nested(127))), 'ANBU_INVALID_PROFILE', 'signals')
  throwsCode(assert, () => anbu.Profile.fromObject(doc(nested(128))), 'ANBU_INVALID_ARGUMENT', 'nested more than 128 levels deep')
  // The document and its three values (the array one of them): 4 values besides the elements.
  throwsCode(assert, () => anbu.Profile.fromObject(doc(new Array(1_000_000 - 4).fill(1))), 'ANBU_INVALID_PROFILE', 'signals')
  throwsCode(assert, () => anbu.Profile.fromObject(doc(new Array(1_000_000 - 3).fill(1))), 'ANBU_INVALID_ARGUMENT', 'more than 1000000 values')
})
