// Tier recommendation: the binding gives the core's advice for the shared fixture's persons
// (tests/shared/tiers, written by the core's `tier` test; the Python binding runs the same
// fixture in bindings-python/tests/test_tier.py), and the core's errors.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'node:test'

import { anbu, root } from './helpers.mjs'

const dir = join(root, '..', 'tests', 'shared', 'tiers')
const expected = JSON.parse(readFileSync(join(dir, 'advice.json'), 'utf8'))

function engine() {
  const e = new anbu.Engine()
  for (const p of expected.persons) e.addPerson(p)
  e.ingest(anbu.readEvents(join(dir, 'events.jsonl')).events)
  return e
}

test('the same tier and reason as the core, for every person of the fixture', () => {
  const e = engine()
  for (const want of expected.advice) {
    assert.deepEqual(e.recommendTier(want.person, expected.at), want)
  }
  assert.deepEqual(new Set(expected.advice.map((a) => a.tier)), new Set(['call_only', 'call_app', 'call_iot', 'full']))
})

test('errors are the core\'s', () => {
  const e = engine()
  assert.throws(() => e.recommendTier('nobody', expected.at), (err) => err.code === 'ANBU_UNKNOWN_PERSON')
  assert.throws(
    () => e.recommendTier('p-caller', '2024-05-01T01:00:00+09:00'),
    (err) => err.code === 'ANBU_INVALID_ARGUMENT' && /before/.test(err.message),
  )
  const empty = new anbu.Engine()
  empty.addPerson({ person: 'p-1', profile: 'full' })
  assert.throws(() => empty.recommendTier('p-1'), (err) => err.code === 'ANBU_INVALID_ARGUMENT' && /give the time to advise at/.test(err.message))
})
