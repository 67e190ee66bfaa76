// Call outcomes and who called (issue 16): `unreachable`, `sms_reply` and the `by` field pass
// through objects and columns to the core, which checks them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu } from './helpers.mjs'

const H = 3_600_000
const t0 = Date.parse('2024-05-01T08:00:00+09:00')
const persons = [{ person: 'p-1', profile: 'call_only' }]

test('new outcomes and by give the same rows through objects and columns', () => {
  const events = [
    { person: 'p-1', ts: t0, signal: 'checkin', outcome: 'unreachable' },
    { person: 'p-1', ts: t0 + H, signal: 'checkin', outcome: 'sms_reply', by: 'staff' },
    { person: 'p-1', ts: t0 + 2 * H, signal: 'disposition', finding: 'fine', by: '119' },
  ]
  const rows = anbu.replay(events, persons)
  const columns = {
    person: ['p-1', 'p-1', 'p-1'],
    ts: events.map((e) => e.ts),
    signal: events.map((e) => e.signal),
    outcome: ['unreachable', 'sms_reply', null],
    finding: [null, null, 'fine'],
    by: [null, 'staff', '119'],
  }
  assert.deepEqual(anbu.replay(columns, persons), rows)
})

test('by is checked by the core, naming the allowed values', () => {
  const checkin = { person: 'p-1', ts: t0, signal: 'checkin', outcome: 'missed' }
  assert.throws(() => new anbu.Engine().ingest([{ ...checkin, by: 'visit' }]), {
    code: 'ANBU_INVALID_EVENT',
    message: /field `by`: `visit` does not apply to signal `checkin`, expected one of: auto, staff/,
  })
  assert.throws(() => new anbu.Engine().ingest([{ ...checkin, by: 'robot' }]), /field `by`: unknown value `robot`/)
})
