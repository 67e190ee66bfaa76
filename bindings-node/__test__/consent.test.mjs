// Consent to night and holiday monitoring, and the guardian (issue 16): the core routes; the
// binding passes the persons' fields through. The Python test shows the same rows.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu } from './helpers.mjs'

const NIGHT = '2024-05-01T22:00:00+09:00' // a Wednesday, after the day office's hours
const AT = '2024-05-01T22:30:00+09:00'
const PERSONS = [
  { person: 'p-1', profile: 'full_guardian', night_consent: false, guardian: 'g-1' },
  { person: 'p-2', profile: 'full', night_consent: false },
  { person: 'p-3', profile: 'full' },
]
const EVENTS = [
  { person: 'p-1', ts: NIGHT, signal: 'sos' },
  { person: 'p-2', ts: NIGHT, signal: 'disposition', device: 'visit', finding: 'unreachable' },
  { person: 'p-3', ts: NIGHT, signal: 'disposition', device: 'visit', finding: 'unreachable' },
]
const GUARDIAN = { name: 'full_guardian', extends: 'full', sos: { guardian: true } }

test('without consent the action waits for the office unless the person asked', () => {
  const engine = new anbu.Engine()
  engine.addProfile(GUARDIAN)
  for (const p of PERSONS) engine.addPerson(p)
  engine.ingest(EVENTS)
  const rows = engine.assessAll(AT)
  assert.deepEqual(rows.map((a) => [a.person, a.level, a.action, a.responder]), [
    ['p-1', 'critical', 'dispatch', 'control_center'],
    ['p-2', 'critical', 'dispatch', 'day_office'],
    ['p-3', 'critical', 'dispatch', 'control_center'],
  ])
  assert.ok(rows[0].reasons.find((r) => r.kind === 'sos').detail.endsWith('; routed to the guardian as well'))
  const waits = rows[1].reasons.filter((r) => r.kind === 'escalation' && r.contribution === 0).map((r) => r.detail)
  assert.deepEqual(waits, [
    "no consent to night and holiday monitoring: dispatch waits for the day office's next opening, 2024-05-02 09:00",
  ])
  assert.ok(!rows[2].reasons.some((r) => r.detail.includes('consent')))
  const replayed = anbu.replay(EVENTS, PERSONS, { profiles: [GUARDIAN] })
  assert.deepEqual(replayed.map((a) => [a.person, a.responder]), rows.map((a) => [a.person, a.responder]))
})

test('persons carry consent and guardian, checked by the core', () => {
  const engine = new anbu.Engine()
  engine.addPerson({ person: 'p-1', profile: 'full', night_consent: false, guardian: 'g-1' })
  engine.addPerson({ person: 'p-2', profile: 'full' })
  assert.deepEqual(engine.persons(), [
    { person: 'p-1', profile: 'full', night_consent: false, guardian: 'g-1' },
    { person: 'p-2', profile: 'full' },
  ])
  assert.throws(() => engine.addPerson({ person: 'p-9', profile: 'full', guardian: '010-1234-5678' }), /guardian/)
  assert.throws(
    () => engine.addPerson({ person: 'p-9', profile: 'full', night_consent: 'maybe' }),
    /field `night_consent`: expected true or false/,
  )
})
