// The per-district report (the core's `anbu::report`) on a scripted month: the counts are
// known by construction from the script. The Python test shows the same rows.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu } from './helpers.mjs'

const START = '2024-05-01T00:00:00+09:00'
const END = '2024-06-01T00:00:00+09:00'
const PERSONS = [
  { person: 'p-1', profile: 'full', district: 'gangbuk' },
  { person: 'p-2', profile: 'full', district: 'gangbuk' },
  { person: 'p-3', profile: 'full', district: 'nowon' },
  { person: 'p-4', profile: 'full' },
]
// In May: automatic calls p-1 x2 (gangbuk), p-3 x1 (nowon); a staff call to p-1 (gangbuk), a
// text p-3 answered (nowon); p-2 found fine by a staff visit, p-4 found in an emergency by 119.
// Not counted: p-1's call in April.
const EVENTS = [
  { person: 'p-1', ts: '2024-04-30T10:00:00+09:00', signal: 'checkin', outcome: 'answered' },
  { person: 'p-1', ts: '2024-05-02T10:00:00+09:00', signal: 'checkin', outcome: 'missed' },
  { person: 'p-1', ts: '2024-05-02T11:00:00+09:00', signal: 'checkin', outcome: 'answered' },
  { person: 'p-2', ts: '2024-05-03T10:00:00+09:00', signal: 'disposition', finding: 'fine', by: 'visit' },
  { person: 'p-3', ts: '2024-05-31T23:00:00+09:00', signal: 'checkin', outcome: 'missed' },
  { person: 'p-1', ts: '2024-05-03T10:00:00+09:00', signal: 'checkin', outcome: 'answered', by: 'staff' },
  { person: 'p-3', ts: '2024-05-04T10:00:00+09:00', signal: 'checkin', outcome: 'sms_reply', by: 'staff' },
  { person: 'p-4', ts: '2024-05-10T10:00:00+09:00', signal: 'disposition', finding: 'emergency', by: '119' },
]
// Risk signals (warning or above): p-1 twice (one household), p-4. Not: p-3 at watch.
const ASSESSMENTS = [
  ['p-1', '2024-05-02T11:00:00+09:00', 'warning'],
  ['p-1', '2024-05-02T12:00:00+09:00', 'critical'],
  ['p-3', '2024-05-31T23:00:00+09:00', 'watch'],
  ['p-4', '2024-05-10T09:00:00+09:00', 'critical'],
].map(([person, at, level]) => ({ person, at, score: 0, level, action: 'none', responder: 'day_office', reasons: [] }))

const EXPECTED = [
  ['gangbuk', { households: 2, risk_households: 1, auto_calls: 2, staff_calls: 1, visits_staff: 1, found_fine: 1 }],
  ['nowon', { households: 1, auto_calls: 1, texts: 1 }],
  [null, { households: 1, risk_households: 1, visits_119: 1, found_emergency: 1 }],
]

test('a scripted month per district', async () => {
  const rows = anbu.districtReport(EVENTS, PERSONS, ASSESSMENTS, START, END)
  assert.deepEqual(rows.map((r) => r.district), EXPECTED.map(([d]) => d))
  rows.forEach((r, i) => {
    const nonzero = Object.fromEntries(Object.entries(r).filter(([k, v]) => k !== 'district' && v))
    assert.deepEqual(nonzero, EXPECTED[i][1])
    assert.equal(Object.keys(r).length, 16)
  })
  assert.deepEqual(await anbu.districtReportAsync(EVENTS, PERSONS, ASSESSMENTS, START, END), rows)
})

test('bad input is a clear error', () => {
  assert.throws(() => anbu.districtReport(EVENTS, PERSONS, ASSESSMENTS, END, START), (e) => e.code === 'ANBU_INVALID_ARGUMENT' && /end/.test(e.message))
  assert.throws(() => anbu.districtReport(EVENTS, PERSONS.slice(0, 3), ASSESSMENTS, START, END), (e) => e.code === 'ANBU_UNKNOWN_PERSON')
})
