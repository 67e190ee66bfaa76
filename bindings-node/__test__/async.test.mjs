// The `...Async` forms: the same values as the sync forms, the same errors as rejections, and
// the event loop left free while the work runs on the libuv thread pool.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { anbu, fixture, tempDir, toColumns } from './helpers.mjs'

const tmp = tempDir('anbu-node-async-')

/** The error `fn` throws (it must throw one). */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected the sync form to throw')
}

/** `promise` must reject with an Error of the very code and message of `syncErr`. */
async function rejectsAs(promise, syncErr) {
  assert.ok(syncErr instanceof Error && typeof syncErr.code === 'string', `${syncErr}`)
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `${err}`)
    assert.equal(err.code, syncErr.code)
    assert.equal(err.message, syncErr.message)
    return true
  })
}

/** Calls the sync form and the async form with the same arguments: same value, or same error. */
async function same(name, ...args) {
  const promise = anbu[`${name}Async`](...args)
  assert.ok(promise instanceof Promise, `${name}Async returns a Promise`)
  let syncErr
  let want
  try {
    want = anbu[name](...args)
  } catch (err) {
    syncErr = err
  }
  if (syncErr) {
    await rejectsAs(promise, syncErr)
    return syncErr
  }
  assert.deepEqual(await promise, want)
  return want
}

const cohort = anbu.simulate({ persons: 6, days: 4, seed: 11, recentIncidents: 1 })

test('simulateAsync gives the cohort simulate gives', async () => {
  assert.deepEqual(await anbu.simulateAsync({ persons: 6, days: 4, seed: 11, recentIncidents: 1 }), cohort)
  await same('simulate', { persons: 2, days: 1, incidentShare: 0.5, start: '2024-01-01T00:00:00+09:00' })
})

test('replayAsync gives the rows replay gives (objects, columns, options, profiles)', async () => {
  const rows = await same('replay', cohort.events, cohort.persons)
  assert.ok(rows.length > 0)
  await same('replay', cohort.events, cohort.persons, { every: '3h', threads: 1 })
  const { events, persons, profiles } = fixture()
  await same('replay', toColumns(events), persons, { every: 3_600_000, profiles })
})

test('readEventsAsync gives the outcome readEvents gives, strict and skipping', async () => {
  const path = join(tmp, 'events.csv')
  writeFileSync(path, 'person,ts,signal,watts\np-1,2024-05-01T09:00:00+09:00,plug,3\np-1,2024-05-01T09:15:00+09:00,plug,-3\np-1,2024-05-01T09:30:00+09:00,plug,4\n')
  const out = await same('readEvents', path, { skipBadRows: true, maxSkipped: 5 })
  assert.equal(out.events.length, 2)
  assert.equal(out.skippedCount, 1)
  const err = await same('readEvents', path)
  assert.equal(err.code, 'ANBU_INVALID_EVENT')
})

test('backtestAsync gives the report backtest gives', async () => {
  const rows = anbu.replay(cohort.events, cohort.persons, { every: '1h' })
  const report = await same('backtest', rows, cohort.incidents, cohort.persons)
  assert.equal(report.overall.incidents, cohort.incidents.length)
  assert.equal(typeof report.markdown, 'string')
})

test('replayClosedLoopAsync gives the rows replayClosedLoop gives (AnswerRate, cohort, spec)', async () => {
  const rate = new anbu.AnswerRate({ rate: 0.7, concernRate: 0.1, seed: 4 })
  await same('replayClosedLoop', cohort.events, cohort.persons, rate, { policy: { delay: '10m', retry: '2h' } })
  await same('replayClosedLoop', cohort.events, cohort.persons, cohort)
  await same('replayClosedLoop', cohort.events, cohort.persons, { answer_rate: { rate: 0.5, seed: 2 } }, { every: '2h' })
})

test('a function responder is refused by replayClosedLoopAsync, as a rejection', async () => {
  await assert.rejects(anbu.replayClosedLoopAsync(cohort.events, cohort.persons, () => 'answered'), (err) => {
    assert.equal(err.code, 'ANBU_INVALID_ARGUMENT')
    assert.match(err.message, /^argument `responder`: replayClosedLoopAsync runs on the thread pool, where a function cannot be called/)
    return true
  })
  // Errors found before the responder is read come first, as in the sync form.
  await same('replayClosedLoop', cohort.events, cohort.persons, () => 'answered', { every: 'soon' })
})

test('bad inputs reject with the code and message the sync forms throw', async () => {
  const ok = { person: 'p-1', ts: '2024-05-01T09:00:00+09:00', signal: 'plug', watts: 3 }
  const person = { person: 'p-1', profile: 'plug_only' }
  const cases = [
    ['replay', [[ok, { ...ok, watts: -3 }], [person]], 'ANBU_INVALID_EVENT'],
    ['replay', [[ok], [person], { every: 'soon' }], 'ANBU_INVALID_ARGUMENT'],
    ['replay', [[ok], [{ person: 'p-1', profile: 'nope' }]], 'ANBU_UNKNOWN_PROFILE'],
    ['replay', ['events', [person]], 'ANBU_INVALID_ARGUMENT'],
    ['replay', [[ok], [person], { profiles: [{ name: 'x', extends: 'plug_only', levels: { warning: 'high' } }] }], 'ANBU_INVALID_PROFILE'],
    ['simulate', [{ persons: -1 }], 'ANBU_INVALID_ARGUMENT'],
    ['simulate', [{ colour: 'blue' }], 'ANBU_INVALID_ARGUMENT'],
    ['readEvents', [join(tmp, 'missing.jsonl')], 'ANBU_IO'],
    ['readEvents', [join(tmp, 'events.txt')], 'ANBU_INVALID_ARGUMENT'],
    ['backtest', [[{ person: 'p-1' }], [], [person]], 'ANBU_INVALID_ARGUMENT'],
    ['backtest', [[], [{ person: 'p-1', start: 'yesterday' }], [person]], 'ANBU_INVALID_EVENT'],
    ['replayClosedLoop', [[ok], [person], { answer_rate: { rate: 2 } }], 'ANBU_INVALID_ARGUMENT'],
    ['replayClosedLoop', [[ok], [person], 42], 'ANBU_INVALID_ARGUMENT'],
  ]
  for (const [name, args] of cases) {
    const err = thrown(() => anbu[name](...args))
    await rejectsAs(anbu[`${name}Async`](...args), err)
  }
  // The code is the category's, whatever its message.
  for (const [name, args, code] of cases) assert.equal(thrown(() => anbu[name](...args)).code, code, `${name} ${JSON.stringify(args)}`)
})

test('a panic on the pool rejects with ANBU_INTERNAL, and the process goes on', async () => {
  await assert.rejects(anbu.__panicForTestsAsync(), (err) => {
    assert.equal(err.code, 'ANBU_INTERNAL')
    assert.match(err.message, /deliberate panic on the pool/)
    return true
  })
  assert.equal(typeof anbu.version(), 'string')
})

test('the event loop stays responsive while a larger replay runs on the pool', async () => {
  // 300 persons × 30 days: the door twice a day, an outgoing call two days in three.
  const t0 = Date.parse('2024-05-01T00:00:00+09:00')
  const persons = []
  const events = []
  for (let p = 0; p < 300; p++) {
    const person = `p-${p}`
    persons.push({ person, profile: 'call_iot' })
    for (let d = 0; d < 30; d++) {
      const morning = t0 + d * 86_400_000 + 8 * 3_600_000 + (p % 60) * 60_000
      events.push({ person, ts: morning, signal: 'door', state: 'open' })
      events.push({ person, ts: morning + 60_000, signal: 'door', state: 'closed' })
      if (d % 3) events.push({ person, ts: morning + 11 * 3_600_000, signal: 'call', direction: 'out', answered: true })
    }
  }
  let ticks = 0
  const timer = setInterval(() => ticks++, 1)
  try {
    const rows = await anbu.replayAsync(events, persons, { every: '6h' })
    assert.equal(new Set(rows.map((r) => r.person)).size, 300)
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks > 0, 'a timer fired while the replay ran')
})

test('several async replays run at once and each gives its own rows', async () => {
  const a = cohort
  const b = anbu.simulate({ persons: 3, days: 3, seed: 5 })
  const [ra, rb] = await Promise.all([anbu.replayAsync(a.events, a.persons), anbu.replayAsync(b.events, b.persons)])
  assert.deepEqual(ra, anbu.replay(a.events, a.persons))
  assert.deepEqual(rb, anbu.replay(b.events, b.persons))
})
