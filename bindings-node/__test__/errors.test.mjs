// Every error category reaches JS as an Error with the core's stable `code` and a message
// that names the row / field / key; a bad batch leaves the engine as it was; no panic crosses.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { anbu, tempDir, throwsCode } from './helpers.mjs'

const T0 = '2024-05-01T09:00:00+09:00'
const ms0 = Date.parse(T0)
const tmp = tempDir('anbu-node-')

function engine() {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-1', profile: 'call_iot' })
  return e
}

test('errorCodes lists the core categories and ANBU_INTERNAL', () => {
  assert.deepEqual(anbu.errorCodes(), [
    'ANBU_INVALID_EVENT',
    'ANBU_FORMAT',
    'ANBU_INVALID_PROFILE',
    'ANBU_UNKNOWN_PROFILE',
    'ANBU_UNKNOWN_PERSON',
    'ANBU_LATE_EVENT',
    'ANBU_INVALID_ARGUMENT',
    'ANBU_SNAPSHOT',
    'ANBU_IO',
    'ANBU_INTERRUPTED',
    'ANBU_INTERNAL',
  ])
})

test('ANBU_INVALID_EVENT names the row and the field', () => {
  const e = engine()
  throwsCode(assert, () => e.ingest([{ person: 'p-1', ts: T0, signal: 'door', state: 'open' }, { person: 'p-1', ts: T0, signal: 'plug', watts: -3 }]), 'ANBU_INVALID_EVENT', 'row 1: field `watts`: must be >= 0, got -3')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'plgu' }), 'ANBU_INVALID_EVENT', 'field `signal`')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'plug' }), 'ANBU_INVALID_EVENT', 'field `watts`: required for signal `plug`')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'plug', wats: 3 }), 'ANBU_INVALID_EVENT', 'field `wats`: unknown field')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'plug', watts: NaN }), 'ANBU_INVALID_EVENT', 'NaN')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: '2024-05-01T09:00:00', signal: 'sos' }), 'ANBU_INVALID_EVENT', 'field `ts`')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'door', state: 'open', watts: 3 }), 'ANBU_INVALID_EVENT', 'does not apply')
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'plug', watts: [1] }), 'ANBU_INVALID_EVENT', 'field `watts`')
  throwsCode(assert, () => e.addPerson({ person: '010-1234-5678', profile: 'full' }), 'ANBU_INVALID_EVENT', 'phone number')
  throwsCode(assert, () => anbu.backtest([], [{ person: 'p-1', start: T0, end: ms0 - 1 }], []), 'ANBU_INVALID_EVENT', 'field `end`')
  const cols = { person: ['p-1', 'p-1'], ts: new Float64Array([ms0, ms0]), signal: ['steps', 'steps'], steps: new Float64Array([5, 2.5]) }
  throwsCode(assert, () => e.ingestColumns(cols), 'ANBU_INVALID_EVENT', 'row 1: field `steps`')
  assert.equal(e.assess('p-1', T0).score, 0)
})

test('a refused batch leaves the engine as it was', () => {
  const e = engine()
  e.ingest({ person: 'p-1', ts: T0, signal: 'door', state: 'open' })
  const before = Buffer.from(e.snapshot())
  const good = { person: 'p-1', ts: ms0 + 60_000, signal: 'door', state: 'closed' }
  throwsCode(assert, () => e.ingest([good, { person: 'p-2', ts: ms0, signal: 'sos' }]), 'ANBU_UNKNOWN_PERSON')
  throwsCode(assert, () => e.ingest([good, { person: 'p-1', ts: ms0, signal: 'plug', watts: -1 }]), 'ANBU_INVALID_EVENT', 'row 1')
  throwsCode(assert, () => e.ingestColumns({ person: ['p-1', 'p-1'], ts: new Float64Array([ms0 + 1, NaN]), signal: ['sos', 'sos'] }), 'ANBU_INVALID_EVENT', 'row 1: field `ts`: required')
  assert.deepEqual(Buffer.from(e.snapshot()), before)
})

test('ANBU_UNKNOWN_PERSON, ANBU_UNKNOWN_PROFILE, ANBU_LATE_EVENT', () => {
  const e = engine()
  throwsCode(assert, () => e.assess('p-9', T0), 'ANBU_UNKNOWN_PERSON', '`p-9`')
  throwsCode(assert, () => e.addPerson({ person: 'p-2', profile: 'nope' }), 'ANBU_UNKNOWN_PROFILE', '`nope`')
  throwsCode(assert, () => anbu.Profile.builtin('nope'), 'ANBU_UNKNOWN_PROFILE')
  e.ingest({ person: 'p-1', ts: ms0 + 5 * 3_600_000, signal: 'sos' })
  throwsCode(assert, () => e.ingest({ person: 'p-1', ts: T0, signal: 'sos' }), 'ANBU_LATE_EVENT', 'later than the allowed lateness')
  throwsCode(assert, () => e.ingest([{ person: 'p-1', ts: ms0 + 5 * 3_600_000, signal: 'heartbeat' }, { person: 'p-1', ts: T0, signal: 'sos' }]), 'ANBU_LATE_EVENT', 'row 1')
})

test('ANBU_INVALID_PROFILE names the dotted key', () => {
  throwsCode(assert, () => anbu.Profile.fromObject({ name: 'x', inactivity: { plug: { threshold_h: -1 } } }), 'ANBU_INVALID_PROFILE', 'key `inactivity.plug.threshold_h`')
  throwsCode(assert, () => anbu.Profile.fromJson('{'), 'ANBU_INVALID_PROFILE', 'invalid JSON')
  throwsCode(assert, () => anbu.Profile.fromToml('name = '), 'ANBU_INVALID_PROFILE', 'invalid TOML')
  throwsCode(assert, () => anbu.Profile.builtin('full').replace({ 'routine.sensitivty': 1 }), 'ANBU_INVALID_PROFILE', 'key `routine.sensitivty`: no such key')
  throwsCode(assert, () => anbu.Profile.builtin('full').replace({ 'levels.warning': -5 }), 'ANBU_INVALID_PROFILE', 'levels.warning')
})

test('ANBU_INVALID_ARGUMENT names the argument', () => {
  const e = engine()
  throwsCode(assert, () => e.assess('p-1', 'yesterday'), 'ANBU_INVALID_ARGUMENT', 'argument `at`')
  throwsCode(assert, () => e.assess('p-1', -5), 'ANBU_INVALID_ARGUMENT', 'argument `at`')
  throwsCode(assert, () => e.assess(42, T0), 'ANBU_INVALID_ARGUMENT', 'argument `person`: expected a string')
  throwsCode(assert, () => e.ingest('not an event'), 'ANBU_INVALID_ARGUMENT', 'argument `events`')
  throwsCode(assert, () => new anbu.Engine({ allowedLatenessMs: -1 }), 'ANBU_INVALID_ARGUMENT', 'allowed_lateness_ms')
  throwsCode(assert, () => anbu.replay([], [], { every: '5 fortnights' }), 'ANBU_INVALID_ARGUMENT', 'argument `every`')
  throwsCode(assert, () => anbu.parseDuration('0h'), 'ANBU_INVALID_ARGUMENT')
  throwsCode(assert, () => e.ingestColumns({ person: ['p-1'], ts: new Float64Array(2), signal: ['sos'] }), 'ANBU_INVALID_ARGUMENT', 'column `ts` has 2 rows')
  throwsCode(assert, () => e.ingestColumns({ person: ['p-1'], ts: new BigInt64Array(1), signal: ['sos'] }), 'ANBU_INVALID_ARGUMENT', 'column `ts`')
  throwsCode(assert, () => e.ingestColumns({ person: { codes: new Int32Array([3]), values: ['p-1'] }, ts: [T0], signal: ['sos'] }), 'ANBU_INVALID_ARGUMENT', 'code 3')
  throwsCode(assert, () => anbu.simulate({ seed: -1 }), 'ANBU_INVALID_ARGUMENT', 'argument `seed`')
  throwsCode(assert, () => anbu.readEvents(join(tmp, 'events.xlsx')), 'ANBU_INVALID_ARGUMENT', 'extension')
  throwsCode(assert, () => anbu.backtest([{ person: 'p-1' }], [], []), 'ANBU_INVALID_ARGUMENT', 'argument `assessments`')
  // What the core checks of rows given back, with the messages Rust and Python give.
  const row = { person: 'p-1', at: '2024-05-01T00:00:00Z', score: 150, level: 'normal', action: 'none', responder: 'day_office', reasons: [] }
  throwsCode(assert, () => anbu.backtest([row], [], []), 'ANBU_INVALID_ARGUMENT', 'argument `assessments`: row 0: field `score`: 150 is not a score from 0 to 100')
  throwsCode(assert, () => anbu.backtest([{ ...row, score: 1, person: '010-1234-5678' }], [], []), 'ANBU_INVALID_ARGUMENT', 'argument `assessments`: row 0: field `person`: ')
})

test('ANBU_SNAPSHOT', () => {
  throwsCode(assert, () => anbu.Engine.restore(Buffer.from('not a snapshot')), 'ANBU_SNAPSHOT', 'ANBUSNAP')
})

test('ANBU_IO and ANBU_FORMAT from the readers', () => {
  throwsCode(assert, () => anbu.readEvents(join(tmp, 'missing.csv')), 'ANBU_IO')
  throwsCode(assert, () => anbu.Profile.fromPath(join(tmp, 'missing.toml')), 'ANBU_IO')
  const bad = join(tmp, 'bad.csv')
  writeFileSync(bad, 'person,ts,signal,colour\np-1,2024-05-01T09:00:00+09:00,sos,red\n')
  throwsCode(assert, () => anbu.readEvents(bad), 'ANBU_FORMAT', 'line 1')
  const rows = join(tmp, 'rows.csv')
  writeFileSync(rows, 'person,ts,signal,watts\np-1,2024-05-01T09:00:00+09:00,plug,-3\np-1,2024-05-01T09:15:00+09:00,plug,3\n')
  throwsCode(assert, () => anbu.readEvents(rows), 'ANBU_INVALID_EVENT', 'line 2: field `watts`')
  const out = anbu.readEvents(rows, { skipBadRows: true })
  assert.equal(out.events.length, 1)
  assert.equal(out.skippedCount, 1)
  assert.equal(out.skipped[0].code, 'ANBU_INVALID_EVENT')
  assert.match(out.skipped[0].message, /line 2: field `watts`/)
})

test('ANBU_INTERRUPTED is a core category no Node call can raise (calls are synchronous, without cancellation)', () => {
  assert.ok(anbu.errorCodes().includes('ANBU_INTERRUPTED'))
})

test('a panic in Rust becomes ANBU_INTERNAL, and the process goes on', () => {
  throwsCode(assert, () => anbu.__panicForTests(), 'ANBU_INTERNAL', 'deliberate panic')
  assert.equal(engine().size, 1)
})

test('an event too far ahead of the clock is refused, and only its person is affected', () => {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-1', profile: 'full' })
  e.addPerson({ person: 'p-2', profile: 'full' })
  e.setClock(T0)
  throwsCode(assert, () => e.ingest({ person: 'p-2', ts: '2025-05-01T09:00:00+09:00', signal: 'sos', device: 'btn-1' }), 'ANBU_INVALID_EVENT', "ahead of the engine's clock")
  e.ingest({ person: 'p-1', ts: T0, signal: 'sos' })
  const rows = e.assessAll(ms0 + 3600000)
  assert.deepEqual(rows.map((r) => r.person), ['p-1', 'p-2'])
  assert.equal(rows[0].level, 'critical')
  assert.ok(rows[1].reasons.some((r) => r.kind === 'clock_ahead'))
})

test('a replay refuses a far-ahead event for its person only (as the core and Python do)', () => {
  // The core's `a_replay_refuses_a_far_ahead_event_for_its_person_only`.
  const at = (h) => ms0 + h * 3600000
  const real = [
    { person: 'p-1', ts: at(0), signal: 'sos' },
    { person: 'p-2', ts: at(0), signal: 'heartbeat', device: 'plug-1' },
    { person: 'p-2', ts: at(3), signal: 'heartbeat', device: 'plug-1' },
    { person: 'p-1', ts: at(5), signal: 'heartbeat', device: 'plug-9' },
  ]
  const in9999 = { person: 'p-2', ts: '9999-01-01T00:00:00Z', signal: 'heartbeat', device: 'door-9' }
  const bad = [real[0], in9999, ...real.slice(1), { person: 'p-2', ts: at(6 + 8760), signal: 'heartbeat', device: 'door-9' }]
  const persons = [{ person: 'p-1', profile: 'full' }, { person: 'p-2', profile: 'full' }]
  const clean = anbu.replay(real, persons, { clock: at(6) })
  const rows = anbu.replay(bad, persons, { clock: at(6) })
  assert.equal(rows.length, 12)
  assert.deepEqual(rows.slice(0, 6), clean.slice(0, 6))
  rows.slice(6).forEach((row, i) => {
    const ok = clean[6 + i]
    assert.deepEqual([row.person, row.at, row.level, row.action, row.score], [ok.person, ok.at, ok.level, ok.action, ok.score])
    const note = row.reasons.filter((r) => r.kind === 'clock_ahead')
    assert.equal(note.length, 1)
    assert.ok(note[0].detail.startsWith('device `door-9` sent 2 events dated up to 8760.0 h ahead'), note[0].detail)
  })
  // At the wall clock (the default), the event in 9999 is refused for p-2 alone just the same.
  const wall = anbu.replay(bad.slice(0, -1), persons)
  assert.deepEqual(wall.map((r) => [r.person, r.at, r.level]), clean.map((r) => [r.person, r.at, r.level]))
  assert.ok(wall.every((r) => r.reasons.some((x) => x.kind === 'clock_ahead') === (r.person === 'p-2')))
})

test('ingestOne tells a duplicate from an accept (as Python and the core do)', () => {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-1', profile: 'full' })
  const sos = { person: 'p-1', ts: T0, signal: 'sos' }
  assert.equal(e.ingestOne(sos), 'accepted')
  assert.equal(e.ingestOne(sos), 'duplicate')
  assert.equal(e.ingestOne({ ...sos, ts: ms0 + 300_000 }), 'accepted')
  throwsCode(assert, () => e.ingestOne({ ...sos, person: 'p-9' }), 'ANBU_UNKNOWN_PERSON', 'p-9')
})

test('a misspelt replay option is refused, naming it, not left at its default', async () => {
  const events = [{ person: 'p-1', ts: '2024-05-01T09:00:00+09:00', signal: 'sos' }]
  const persons = [{ person: 'p-1', profile: 'full' }]
  const unknown = 'unknown replay option (options: profiles, every, threads, start, end, clock)'
  throwsCode(assert, () => anbu.replay(events, persons, { evry: '15m' }), 'ANBU_INVALID_ARGUMENT', `argument \`evry\`: ${unknown}`)
  await assert.rejects(anbu.replayAsync(events, persons, { evry: '15m' }), (e) => e.code === 'ANBU_INVALID_ARGUMENT')
  const rate = new anbu.AnswerRate({ rate: 1 })
  throwsCode(assert, () => anbu.replayClosedLoop(events, persons, rate, { polcy: {} }), 'ANBU_INVALID_ARGUMENT', 'argument `polcy`')
  // Each function's own keys, and undefined values, are taken.
  assert.equal(anbu.replay(events, persons, { every: '1h', threads: undefined }).length, 1)
  assert.equal(anbu.replayClosedLoop(events, persons, rate, { policy: { retry: '2h' } }).length, 1)
})
