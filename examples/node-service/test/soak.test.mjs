// Issues 15 and 17: the kill -9 soak. The service, on 127.0.0.1 only, takes concurrent clients
// (one sequential loop per person posting small batches of its own strictly increasing events,
// and a loop registering new persons) and is killed with SIGKILL at a random point, round after
// round, with a short snapshot interval, and every other round as a snapshot begins so that
// kills also land while one is written.
//
// The check is exact. A request answered 200 (every event `accepted`) was acknowledged and must
// survive. The one request each client had in flight when the service died may or may not have
// been applied: at the next start it is sent again, which makes it applied either way (an exact
// repeat of an event is ignored by the core, and registering a person again with the same
// profile keeps their state). Each person's operations (their events and the assessments made
// of them) are then fed, in the order the service took them, to a reference `Engine` that never
// stops, and every assessment the service gave (at the start of each round and at the end) must
// equal the reference's, as must the paginated `GET /assessments` of everyone, and the snapshot
// written on shutdown must hold the reference's state byte for byte.
//
// Bounded: ANBU_SOAK_ROUNDS kills (default 12) of rounds under 1 s each, a few thousand small
// requests in about 15 s in a debug build; loopback only. Seeded: the seed is
// printed; ANBU_SOAK_SEED=<seed> replays the same events, profiles and kill delays (where a kill
// lands between requests still depends on timing).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, watch } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import anbu from 'anbu'
import { start, tempDir } from '../harness.mjs'

const { Engine } = anbu
const MIN = 60_000
const H = 60 * MIN
const t0 = Date.parse('2024-05-01T08:00:00+09:00')
const ROUNDS = Number(process.env.ANBU_SOAK_ROUNDS || 12)
const SEED = Number(process.env.ANBU_SOAK_SEED || (Date.now() % 0xffffffff) + 1) >>> 0 || 1

/** xorshift32: `next()` in [0, 1), `int(n)` in [0, n), `pick(list)`. */
function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9
  const next = () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x100000000
  }
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] }
}

const plain = (x) => JSON.parse(JSON.stringify(x))
const byPerson = (rows) => [...rows].sort((a, b) => (a.person < b.person ? -1 : 1))
const tmps = (dir) => readdirSync(dir).filter((f) => f.endsWith('.tmp'))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves as soon as a temporary (snapshot) file appears in `dir`, or after 2 s. */
function snapshotStarts(dir) {
  return new Promise((resolve) => {
    const done = () => {
      watcher.close()
      clearTimeout(timer)
      resolve()
    }
    const watcher = watch(dir, (_, name) => {
      if (name?.endsWith('.tmp')) done()
    })
    const timer = setTimeout(done, 2000)
  })
}

/** What each profile's person sends (the signals its devices give). */
const SIGNALS = {
  plug_only: ['plug'],
  full: ['plug', 'plug', 'door', 'meter', 'app', 'call', 'heartbeat'],
  call_iot: ['call', 'door', 'plug'],
  call_only: ['call', 'app'],
}
const PROFILES = Object.keys(SIGNALS)

function event(r, person, ts, signal) {
  switch (signal) {
    case 'plug':
      return { person, ts, signal, device: 'plug-tv', watts: r.next() < 0.3 ? 0 : 20 + r.int(100) }
    case 'door':
      return { person, ts, signal, device: 'door-front', state: r.pick(['open', 'closed']) }
    case 'meter':
      return { person, ts, signal, device: 'meter-home', watts: 100 + r.int(900) }
    case 'app':
      return { person, ts, signal, device: 'phone', action: 'unlock' }
    case 'call':
      return { person, ts, signal, device: 'phone', direction: 'out', answered: r.next() < 0.8 }
    default:
      return { person, ts, signal }
  }
}

/**
 * One person: their registration, their own generator, and the operations the service took, in
 * order (`ops`: events batches and assessments, with the service's answer to each assessment).
 */
function person(id, profile, seed) {
  const r = rng(seed)
  let ts = t0 + r.int(60) * MIN
  return {
    id,
    profile,
    ops: [],
    inflight: null,
    /**
     * 1-4 events 5-15 min apart, the first 5-35 min after the last batch or now and then after
     * a silence of 3-10 h. A batch spans less than the allowed lateness (1 h): sent again
     * after it was taken, its first event is then still an exact repeat the core ignores, not
     * a late one.
     */
    batch() {
      // Now and then an SOS, whatever the profile.
      const next = () => event(r, id, ts, r.next() < 0.01 ? 'sos' : r.pick(SIGNALS[profile]))
      const out = []
      ts += r.next() < 0.05 ? (3 + r.int(8)) * H : (5 + r.int(31)) * MIN
      out.push(next())
      for (let n = r.int(4); n > 0; n--) {
        ts += (5 + r.int(11)) * MIN
        out.push(next())
      }
      return out
    },
    /** A time to assess at, not before the newest event; later events come after it. */
    later(upTo) {
      ts += r.int(upTo)
      return ts
    },
    get newest() {
      return ts
    },
  }
}

test('kill -9 at random points loses nothing acknowledged and changes no decision', { timeout: 240_000 }, async (t) => {
  const began = Date.now()
  t.diagnostic(`seed ${SEED} (replay with ANBU_SOAK_SEED=${SEED}), ${ROUNDS} rounds`)
  const main = rng(SEED)
  const dir = tempDir('anbu-soak-')
  const persons = []
  /** Registration requests the service acknowledged, in order (as the reference registers them). */
  const registered = []
  let addInflight = null
  const newPerson = () => {
    const p = person(`p-${String(persons.length + 1).padStart(3, '0')}`, PROFILES[persons.length % PROFILES.length], main.int(0xffffffff) + 1)
    persons.push(p)
    return p
  }
  const stats = { requests: 0, events: 0, assessments: 0, resent: 0, inflightJournaled: 0, inflightNotJournaled: 0, kills: 0, killedInSnapshot: 0, replayed: 0, added: 0 }
  const fail = (what) => `${what} (seed ${SEED})`

  let s = null
  /** Set once the service is killed: the clients stop. */
  let killed = false
  const down = async (signal) => {
    const last = s
    s = null
    await last.stop(signal)
  }
  // A failure leaves no service running (nor clients posting).
  t.after(async () => {
    killed = true
    if (s) await down('SIGKILL')
  })
  /** Starts the service; checks it restored cleanly and left nothing temporary. */
  const up = async (round) => {
    if (tmps(dir).length) stats.killedInSnapshot++
    // (A figure only: how many requests in flight had reached the journal, unacknowledged.)
    const journals = readdirSync(dir).filter((f) => f.startsWith('journal-')).map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    for (const p of registered) {
      if (!p.inflight) continue
      p.inflightJournaled = journals.includes(JSON.stringify(p.inflight[0]))
      stats[p.inflightJournaled ? 'inflightJournaled' : 'inflightNotJournaled']++
    }
    s = await start(dir, { ANBU_SNAPSHOT_MS: String(20 + main.int(101)), LOG_LEVEL: 'warn' })
    assert.deepEqual(tmps(dir), [], fail(`round ${round}: temporary files left after the start`))
    const health = (await s.call('GET', '/health')).body
    assert.deepEqual([health.skipped, health.legacyRefused], [[], []], fail(`round ${round}: the start skipped something`))
    stats.replayed += health.replayed
    return health
  }
  // `status`: what each event of the batch must be told; a batch sent again after a kill is
  // `duplicate` throughout if it had been journaled (the restart restored it), else `accepted`.
  const events = async (p, batch, status = 'accepted') => {
    const res = await s.call('POST', '/events', batch)
    stats.requests++
    assert.equal(res.status, 200, fail(`${p.id}: ${JSON.stringify(res.body)}`))
    assert.deepEqual(res.body, { results: batch.map((_, index) => ({ index, status })) }, fail(`${p.id}: not every event ${status}`))
  }
  const register = async (list) => {
    const res = await s.call('POST', '/persons', list.map(({ id, profile }) => ({ person: id, profile })))
    stats.requests++
    assert.deepEqual(res.body, { added: list.length }, fail('registration'))
  }
  /** The request in flight when the service died, sent again: now applied whether or not it was. */
  const resend = async () => {
    if (addInflight) {
      await register(addInflight)
      registered.push(...addInflight)
      addInflight = null
      stats.resent++
    }
    for (const p of registered) {
      if (!p.inflight) continue
      await events(p, p.inflight, p.inflightJournaled ? 'duplicate' : 'accepted')
      p.ops.push({ events: p.inflight })
      p.inflight = null
      stats.resent++
    }
  }
  const assess = async (p, at) => {
    const res = await s.call('GET', `/assessments/${p.id}?at=${at}`)
    stats.requests++
    stats.assessments++
    assert.equal(res.status, 200, fail(`${p.id} at ${at}: ${JSON.stringify(res.body)}`))
    p.ops.push({ assess: at, got: res.body })
  }

  // One sequential client per person, until the service is killed (the request that failed
  // stays in flight).
  const client = async (p) => {
    while (!killed) {
      const batch = p.batch()
      p.inflight = batch
      try {
        await events(p, batch)
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err
        return // the service is gone: `batch` stays in flight
      }
      p.ops.push({ events: batch })
      stats.events += batch.length
      p.inflight = null
    }
  }
  const clients = []
  /** A client, its failure kept for `Promise.all` below (not an unhandled rejection meanwhile). */
  const running = (p) => {
    const c = client(p)
    c.catch(() => {})
    return c
  }
  const registrar = async () => {
    while (!killed) {
      await sleep(100 + main.int(400))
      if (killed || persons.length >= 16) return
      const list = Array.from({ length: 1 + main.int(2) }, newPerson)
      addInflight = list
      try {
        await register(list)
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err
        return
      }
      registered.push(...list)
      stats.added += list.length
      addInflight = null
      for (const p of list) clients.push(running(p))
    }
  }

  for (let i = 0; i < 4; i++) newPerson()
  for (let round = 0; round < ROUNDS; round++) {
    await up(round)
    if (round === 0) {
      await register(persons)
      registered.push(...persons)
    }
    await resend()
    // Assessments hold a level and start the call-first clock: they must survive too.
    for (const p of registered) await assess(p, p.later(4 * H))
    killed = false
    clients.length = 0
    for (const p of registered) clients.push(running(p))
    const reg = registrar()
    await sleep(100 + main.int(700))
    // Every other round the kill waits for the next snapshot to begin, and most often lands
    // while it is written (a temporary file is left, which the next start removes).
    if (round % 2 === 1) await snapshotStarts(dir)
    killed = true
    await down('SIGKILL')
    stats.kills++
    await reg
    // (`clients` may grow while the registrar runs: awaited after it.)
    await Promise.all(clients)
  }

  // The last start: what was in flight is sent again, then every person is assessed at several
  // times, and everyone page by page.
  await up(ROUNDS)
  await resend()
  for (const p of registered) for (const h of [1, 12, 40]) await assess(p, p.newest + h * H)
  const end = Math.max(...registered.map((p) => p.newest)) + 48 * H
  const pages = []
  let next = null
  do {
    const res = await s.call('GET', `/assessments?at=${end}&limit=3${next ? `&cursor=${next}` : ''}`)
    stats.requests++
    assert.equal(res.status, 200, fail(JSON.stringify(res.body)))
    pages.push(...res.body.items)
    next = res.body.nextCursor
  } while (next)
  await down('SIGTERM')
  assert.deepEqual(tmps(dir), [], fail('temporary files left after a graceful stop'))

  // The reference: the same registrations, then each person's operations in the service's order.
  const ref = new Engine()
  for (const p of registered) ref.addPerson({ person: p.id, profile: p.profile })
  for (const p of registered) {
    for (const op of p.ops) {
      if (op.events) ref.ingest(op.events)
      else assert.deepEqual(op.got, plain(ref.assess(p.id, op.assess)), fail(`${p.id} at ${new Date(op.assess).toISOString()}`))
    }
  }
  assert.equal(pages.length, registered.length)
  assert.deepEqual(byPerson(pages), plain(ref.assessAll(end)), fail('everyone at the end'))

  // Beyond decisions: the whole state. The snapshot written on shutdown holds, per person, the
  // folded state, the events waiting, the watermark and the held level, and the engine's clock
  // (the service's wall clock; the reference has none): with the clock set alike on both, it
  // must be the reference's byte for byte. A lost batch that changed no decision shows here.
  const newest = readdirSync(dir).filter((f) => /^state-\d+\.snap$/.test(f)).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6))).at(-1)
  const restored = Engine.restore(readFileSync(join(dir, newest)))
  const clock = Date.now() + 24 * H
  restored.setClock(clock)
  ref.setClock(clock)
  assert.ok(restored.snapshot().equals(ref.snapshot()), fail(`${newest} is not the reference's state`))

  // And once more after the graceful stop: the snapshot written on shutdown.
  await up(ROUNDS + 1)
  const after = (await s.call('GET', `/assessments?at=${end + H}`)).body.items
  await down('SIGTERM')
  assert.deepEqual(byPerson(after), plain(ref.assessAll(end + H)), fail('everyone after a graceful restart'))

  const levels = {}
  for (const a of [...registered.flatMap((p) => p.ops.filter((op) => op.got).map((op) => op.got)), ...pages]) levels[a.level] = (levels[a.level] ?? 0) + 1
  const figures = `${stats.kills} kills (${stats.killedInSnapshot} left a snapshot's temporary file), ${stats.requests} requests, ` +
    `${stats.events} events acknowledged, ${registered.length} persons (${stats.added} added while running), ` +
    `${stats.resent} in-flight requests sent again (of the batches, ${stats.inflightJournaled} had been journaled, ${stats.inflightNotJournaled} not), ` +
    `${stats.assessments} assessments compared, ` +
    `${stats.replayed} journal entries replayed, levels assessed ${JSON.stringify(levels)}, 0 lost, ` +
    `${((Date.now() - began) / 1000).toFixed(1)} s`
  t.diagnostic(figures)
})
