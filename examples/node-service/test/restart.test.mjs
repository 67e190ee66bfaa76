// Issue 17: a restart changes no decision. The service is compared with an engine that never
// stopped, across graceful restarts, crashes and a damaged newest snapshot; replay errors and
// a damaged journal stop the start instead of being swallowed; stale temporary files go; a
// JSON body nested 100k deep is the client's error.
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import anbu from 'anbu'
import { start, tempDir } from '../harness.mjs'

const { Engine } = anbu
const H = 3_600_000
const t0 = Date.parse('2024-05-01T08:00:00+09:00')
const tv = (person, from, to) => {
  const out = []
  for (let q = from; q < to; q++) out.push({ person, ts: t0 + q * 15 * 60_000, signal: 'plug', device: 'plug-tv', watts: q === 0 ? 0 : 85 })
  return out
}
const plain = (x) => JSON.parse(JSON.stringify(x))
const byPerson = (rows) => [...rows].sort((a, b) => (a.person < b.person ? -1 : 1))
const accepted = (events) => ({ results: events.map((_, index) => ({ index, status: 'accepted' })) })
const tmp = () => tempDir('anbu-restart-')
const NO_TIMER = { ANBU_SNAPSHOT_MS: '3600000' }

/** The service (as `current()` gives it, across restarts) and a reference engine that never stops, fed the same requests. */
function both(current) {
  const ref = new Engine()
  return {
    ref,
    persons: async (persons) => {
      for (const p of persons) ref.addPerson(p)
      assert.deepEqual((await current().call('POST', '/persons', persons)).body, { added: persons.length })
    },
    events: async (events) => {
      ref.ingest(events)
      assert.deepEqual((await current().call('POST', '/events', events)).body, accepted(events))
    },
    /** One person (or all) at `h` hours, checked against the reference. */
    assess: async (h, person) => {
      const at = t0 + h * H
      if (person) {
        const got = (await current().call('GET', `/assessments/${person}?at=${at}`)).body
        assert.deepEqual(got, plain(ref.assess(person, at)), `at ${h} h`)
        return got
      }
      const got = (await current().call('GET', `/assessments?at=${at}`)).body
      assert.equal(got.nextCursor, null)
      assert.deepEqual(byPerson(got.items), plain(ref.assessAll(at)), `at ${h} h`)
      return got
    },
  }
}

for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`the escalation clock and the held level survive a restart (${signal})`, async () => {
    const dir = tmp()
    let s = await start(dir, NO_TIMER)
    const run = both(() => s)
    await run.persons([{ person: 'p-001', profile: 'plug_only' }])
    await run.events(tv('p-001', 0, 93))
    // A snapshot before the assessment: what the assessment holds must be kept all the same.
    await s.call('POST', '/snapshot')
    // Two hours before the plug rule fires (24:15), the floor asks for an automatic call.
    const a = await run.assess(23, 'p-001')
    assert.deepEqual([a.level, a.action], ['watch', 'checkin_call'])
    await s.stop(signal)
    s = await start(dir, NO_TIMER)
    // No outcome of it when the rule fires: the caseworker (and the call-first clock the
    // learned routine starts then is held, as the reference that never stopped holds it).
    await run.events(tv('p-001', 93, 101))
    const b = await run.assess(25, 'p-001')
    assert.deepEqual([b.level, b.action], ['warning', 'notify'])
    await run.events(tv('p-001', 101, 145))
    await run.assess(36, 'p-001')
    await s.stop(signal)
    s = await start(dir, NO_TIMER)
    await run.assess(39)
    await s.stop()
  })
}

test('a damaged newest snapshot falls back to the one before it plus the journal', async () => {
  const dir = tmp()
  let s = await start(dir, NO_TIMER)
  const run = both(() => s)
  await run.persons([{ person: 'p-001', profile: 'plug_only' }, { person: 'p-002', profile: 'full' }])
  await run.events([...tv('p-001', 0, 80), { person: 'p-002', ts: t0, signal: 'door', state: 'open' }])
  await run.assess(20)
  const first = (await s.call('POST', '/snapshot')).body.file
  await run.events(tv('p-001', 80, 145))
  await run.assess(36)
  const second = (await s.call('POST', '/snapshot')).body.file
  assert.notEqual(first, second)
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.snap')).sort(), [first, second].sort())
  await run.assess(37, 'p-001')
  await s.stop('SIGKILL')

  // One flipped bit in the newest snapshot.
  const bytes = readFileSync(join(dir, second))
  bytes[bytes.length >> 1] ^= 0x10
  writeFileSync(join(dir, second), bytes)

  s = await start(dir, NO_TIMER)
  const health = (await s.call('GET', '/health')).body
  assert.equal(health.restoredFrom, first)
  assert.equal(health.skipped.length, 1)
  assert.equal(health.skipped[0].file, second)
  assert.match(health.skipped[0].error, /checksum mismatch/)
  assert.ok(readdirSync(dir).includes(`${second}.corrupt`))
  // Identical decisions to the engine that never stopped, on all persons.
  for (const h of [38, 39, 44]) await run.assess(h)
  // The next snapshot is written whole; nothing temporary is left behind.
  assert.ok((await s.call('POST', '/snapshot')).body.file)
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [])
  await s.stop()
})

test('stale temporary files are removed at start', async () => {
  const dir = tmp()
  writeFileSync(join(dir, 'state-7.snap.tmp'), 'half a snapshot')
  const s = await start(dir)
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [])
  await s.stop()
})

test('replay errors stop the start instead of being swallowed', async () => {
  const dir = tmp()
  let s = await start(dir, NO_TIMER)
  await s.call('POST', '/persons', { person: 'p-001', profile: 'plug_only' })
  await s.call('POST', '/events', tv('p-001', 0, 4))
  await s.stop('SIGKILL')
  const journal = join(dir, readdirSync(dir).find((f) => f.startsWith('journal-')))

  // A torn last write (never acknowledged) is dropped.
  appendFileSync(journal, '{"events":[{"person":"p-0')
  s = await start(dir, NO_TIMER)
  assert.equal((await s.call('GET', '/health')).body.replayed, 2)
  await s.stop('SIGKILL')

  // An entry that was accepted but is refused on replay: the start fails, naming it.
  const bad = join(dir, readdirSync(dir).filter((f) => f.startsWith('journal-')).sort().at(-1))
  const stranger = { events: [{ person: 'p-404', ts: t0, signal: 'door', state: 'open' }] }
  writeFileSync(bad, JSON.stringify({ ...stranger, ok: true }) + '\n')
  await assert.rejects(start(dir, NO_TIMER), /line 1: replay gave a different outcome.*p-404/s)

  // A journal written before entries carried their outcome held refused requests too: the
  // start goes on and reports each refusal.
  writeFileSync(bad, JSON.stringify(stranger) + '\n')
  s = await start(dir, NO_TIMER)
  const { legacyRefused } = (await s.call('GET', '/health')).body
  assert.equal(legacyRefused.length, 1)
  assert.match(legacyRefused[0], /^journal-\d+\.jsonl line 1: unknown person `p-404`/)
  await s.stop('SIGKILL')
  writeFileSync(bad, '')

  // A damaged line in the middle of a journal.
  writeFileSync(bad, '{"events": [nonsense\n' + JSON.stringify({ events: tv('p-001', 4, 5) }) + '\n')
  await assert.rejects(start(dir, NO_TIMER), /line 1: not a journal entry \(damaged journal\)/)
})

test('a JSON body nested 100k deep is refused with 400', async () => {
  const s = await start(tmp())
  const deep = '['.repeat(100_000) + ']'.repeat(100_000)
  const res = await s.call('POST', '/events', deep)
  assert.equal(res.status, 400)
  assert.match(res.body.error.message, /nested 100000 levels deep/)
  // An ordinary malformed body is a 400 too, and the service goes on.
  assert.equal((await s.call('POST', '/events', '{"person":')).status, 400)
  assert.deepEqual((await s.call('GET', '/health')).body.ok, true)
  await s.stop()
})

test('an event dated ahead of the wall clock is refused, noted, and stays so across a crash', async () => {
  const dir = tmp()
  let s = await start(dir, NO_TIMER)
  await s.call('POST', '/persons', [{ person: 'p-001', profile: 'plug_only' }, { person: 'p-002', profile: 'full' }])
  await s.call('POST', '/events', tv('p-001', 0, 8))
  // p-002's door sensor says next year: refused (the profile allows 2 h ahead of the clock).
  const ahead = { person: 'p-002', ts: Date.now() + 365 * 24 * H, signal: 'door', device: 'door-1', state: 'open' }
  const res = await s.call('POST', '/events', [ahead])
  assert.equal(res.status, 200)
  const [refused] = res.body.results
  assert.deepEqual([refused.index, refused.status, refused.code], [0, 'invalid', 'ANBU_INVALID_EVENT'])
  assert.match(refused.reason, /ahead of the engine's clock/)
  // p-002's real events are still taken; every person is assessed, p-002 with the device named.
  const taken = await s.call('POST', '/events', [{ person: 'p-002', ts: t0, signal: 'door', device: 'door-1', state: 'open' }])
  assert.deepEqual(taken.body, accepted([0]))
  const now = Date.now()
  const before = (await s.call('GET', `/assessments?at=${now}`)).body.items
  const noted = (rows) => rows.find((a) => a.person === 'p-002').reasons.some((r) => r.kind === 'clock_ahead' && /door-1/.test(r.detail))
  assert.equal(before.length, 2)
  assert.ok(noted(before))
  await s.stop('SIGKILL')
  s = await start(dir, NO_TIMER)
  // The journal replays the refusal: the same note after the crash, and the event still refused.
  const after = (await s.call('GET', `/assessments?at=${now + 1}`)).body.items
  assert.ok(noted(after))
  assert.equal((await s.call('POST', '/events', [ahead])).body.results[0].status, 'invalid')
  await s.stop()
})
