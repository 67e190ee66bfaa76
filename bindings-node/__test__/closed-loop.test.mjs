// replayClosedLoop: the check-in calls the assessments ask for are placed and answered.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu, throwsCode } from './helpers.mjs'

const H = 3600_000
const T0 = Date.parse('2024-05-01T00:00:00+09:00')

/** Three ordinary days (TV evenings, the door, steps, calls), then silence for two days. */
function silentPerson() {
  const events = []
  const at = (h) => T0 + Math.round(h * H)
  const push = (h, e) => events.push({ person: 'p-1', ts: at(h), ...e })
  for (let d = 0; d < 3; d++) {
    const b = d * 24
    for (let q = 0; q < 96; q++) {
      const hod = (q / 4) % 24
      const watts = (hod >= 8 && hod < 12) || (hod >= 18 && hod < 23) ? 85 : 0.5
      push(b + q / 4, { signal: 'plug', device: 'plug-tv', watts, lux: 80 })
    }
    for (const h of [9.5, 11]) {
      push(b + h, { signal: 'door', device: 'door-front', state: 'open' })
      push(b + h + 0.02, { signal: 'door', device: 'door-front', state: 'closed' })
    }
    for (let h = 0; h < 24; h++) {
      const steps = h >= 9 && h < 11 ? 1500 : h >= 7 && h < 23 ? 120 : 0
      push(b + h + 0.99, { signal: 'steps', device: 'phone', steps, interval_s: 3600 })
    }
    for (const h of [8.2, 13.1, 20.4]) push(b + h, { signal: 'app', device: 'phone', action: 'unlock' })
    push(b + 19, { signal: 'call', device: 'phone', direction: 'out', answered: true })
  }
  for (let q = 72 * 4; q < 120 * 4; q++) push(q / 4, { signal: 'plug', device: 'plug-tv', watts: 0.5, lux: 80 })
  return { events, persons: [{ person: 'p-1', profile: 'call_iot', devices: 'plug,door,phone,checkin' }] }
}

const LEVELS = ['normal', 'watch', 'warning', 'critical']
const worst = (rows) => rows.reduce((w, r) => (LEVELS.indexOf(r.level) > LEVELS.indexOf(w) ? r.level : w), 'normal')
const actions = (rows) => new Set(rows.map((r) => r.action))

test('answered calls hold silence at watch where the open loop escalates', () => {
  const { events, persons } = silentPerson()
  const open = anbu.replay(events, persons)
  assert.ok(LEVELS.indexOf(worst(open)) >= 2, worst(open))
  const closed = anbu.replayClosedLoop(events, persons, new anbu.AnswerRate({ rate: 1 }))
  assert.equal(closed.length, open.length)
  assert.equal(worst(closed), 'watch')
  assert.deepEqual([...actions(closed)].sort(), ['checkin_call', 'none'])
})

test('missed calls notify, then dispatch', () => {
  const { events, persons } = silentPerson()
  const never = new anbu.AnswerRate({ rate: 0 })
  assert.ok(actions(anbu.replayClosedLoop(events, persons, never)).has('dispatch'))
  // Calls at most every 5 hours: the caseworker first, and their call missed by day as well
  // sends someone.
  const slow = anbu.replayClosedLoop(events, persons, never, { policy: { retry: '5h' } })
  const order = slow.map((a) => a.action)
  assert.ok(order.indexOf('notify') >= 0 && order.indexOf('notify') < order.indexOf('dispatch'))
  assert.deepEqual(anbu.replayClosedLoop(events, persons, never, { policy: { retry: 5 * H } }), slow)
})

test('a function responder is called in time order on the JS thread', () => {
  const { events, persons } = silentPerson()
  const calls = []
  const rows = anbu.replayClosedLoop(events, persons, (person, at) => {
    calls.push([person, at])
    return 'answered'
  })
  assert.ok(calls.length > 0)
  assert.ok(calls.every(([p, at]) => p === 'p-1' && at.endsWith('Z')))
  const times = calls.map(([, at]) => Date.parse(at))
  assert.deepEqual(times, [...times].sort((a, b) => a - b))
  // Each call is placed 5 minutes after the assessment that asked for it.
  const asked = new Set(rows.filter((r) => r.action === 'checkin_call').map((r) => Date.parse(r.at)))
  assert.ok(times.every((t) => asked.has(t - 5 * 60_000)))
  // Each row after which a call was placed says so: one row per call, all automatic here.
  const marked = rows.filter((r) => r.call !== undefined)
  assert.deepEqual(marked.map((r) => Date.parse(r.at) + 5 * 60_000), times)
  assert.ok(marked.every((r) => r.call === 'auto' && r.action === 'checkin_call'))
  assert.ok(anbu.replay(events, persons).every((r) => r.call === undefined))
  // The backtest counts them per 100 person-months.
  const m = anbu.backtest(rows, [], persons).overall
  assert.ok(Math.abs(m.automatic_calls_placed_per_100_pm - (calls.length * 100) / m.person_months) < 1e-9)
  assert.equal(m.staff_calls_placed_per_100_pm, 0)
  assert.equal(worst(rows), 'watch')
  // null: no call could be placed, so silence escalates as in the open loop.
  assert.deepEqual(anbu.replayClosedLoop(events, persons, () => null), anbu.replay(events, persons))
})

test('an exception thrown by the responder is re-thrown as it is', () => {
  const { events, persons } = silentPerson()
  class Unreachable extends Error {}
  let calls = 0
  assert.throws(
    () =>
      anbu.replayClosedLoop(events, persons, (person) => {
        calls += 1
        throw new Unreachable(`no line to ${person}`)
      }),
    (err) => err instanceof Unreachable && err.message === 'no line to p-1',
  )
  assert.equal(calls, 1, 'the replay stops at the first exception')
})

test('a wrong answer is an error naming it', () => {
  const { events, persons } = silentPerson()
  const err = throwsCode(assert, () => anbu.replayClosedLoop(events, persons, () => 'maybe'), 'ANBU_INVALID_ARGUMENT', '`maybe`')
  assert.ok(err.message.includes('p-1'), err.message)
  throwsCode(assert, () => anbu.replayClosedLoop(events, persons, () => 42), 'ANBU_INVALID_ARGUMENT', '`42`')
})

test('bad rates, responders and policies', () => {
  throwsCode(assert, () => new anbu.AnswerRate({ rate: 1.5 }), 'ANBU_INVALID_ARGUMENT', 'argument `rate`')
  throwsCode(assert, () => new anbu.AnswerRate({ rate: 0.5, concernRate: -1 }), 'ANBU_INVALID_ARGUMENT', 'argument `concern_rate`')
  throwsCode(assert, () => new anbu.AnswerRate({ rate: 0.5, seed: -1 }), 'ANBU_INVALID_ARGUMENT', 'argument `seed`')
  throwsCode(assert, () => anbu.replayClosedLoop([], [], { answer_rate: { rate: 2 } }), 'ANBU_INVALID_ARGUMENT', 'rate')
  throwsCode(assert, () => anbu.replayClosedLoop([], [], { phone_book: {} }), 'ANBU_INVALID_ARGUMENT', 'unknown variant')
  throwsCode(assert, () => anbu.replayClosedLoop([], [], 0.9), 'ANBU_INVALID_ARGUMENT', 'expected a function')
  const { events, persons } = silentPerson()
  const rate = new anbu.AnswerRate({ rate: 1 })
  throwsCode(assert, () => anbu.replayClosedLoop(events, persons, rate, { policy: { retries: '1h' } }), 'ANBU_INVALID_ARGUMENT', 'retries')
  throwsCode(assert, () => anbu.replayClosedLoop(events, persons, rate, { policy: { retry: 'soon' } }), 'ANBU_INVALID_ARGUMENT', 'retry')
  const a = new anbu.AnswerRate({ rate: 0.9, concernRate: 0.05, seed: 3 })
  assert.deepEqual([a.rate, a.concernRate, a.seed], [0.9, 0.05, 3])
})

test('a simulated cohort answers its own calls', () => {
  const cohort = anbu.simulate({ persons: 6, days: 4, seed: 2 })
  assert.equal(cohort.responder.simulated.persons, 6)
  const rows = anbu.replayClosedLoop(cohort.events, cohort.persons, cohort)
  assert.deepEqual(anbu.replayClosedLoop(cohort.events, cohort.persons, cohort.responder), rows)
  assert.equal(rows.length, anbu.replay(cohort.events, cohort.persons).length)
})
