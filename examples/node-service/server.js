// An HTTP service around one anbu Engine per process.
//
//   POST /persons       { person, profile, devices? } or an array of them
//   POST /events        an event object or an array of them (the spec's field names)
//   GET  /assessments   every person, at ?at= (RFC 3339 or epoch ms; default: now)
//   GET  /assessments/:person
//   GET  /health
//
// Durability: a request that changes the engine (persons, events, and assessments too: an
// assessment holds its level for the next one and starts the call-first escalation clock) is
// applied, then appended to a journal and flushed (fdatasync) before it is acknowledged. Every
// ANBU_SNAPSHOT_MS (and on shutdown) the engine is snapshotted: written to a temporary file,
// fsync'd, renamed into place and the directory fsync'd. The two newest snapshots are kept with
// every journal after the older one, so that a damaged newest snapshot (anbu refuses it by its
// checksum) falls back to the one before plus the journal. On start stale temporary files are
// removed, the newest readable snapshot is restored and the later journals replayed, each entry
// checked to give the outcome it had: a restart, even a crash, changes no decision.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const Fastify = require('fastify')
const { Engine } = require('anbu')

/** HTTP status for each anbu error code (anything else is a 500). */
const STATUS = {
  ANBU_INVALID_EVENT: 400,
  ANBU_INVALID_ARGUMENT: 400,
  ANBU_INVALID_PROFILE: 400,
  ANBU_UNKNOWN_PROFILE: 400,
  ANBU_UNKNOWN_PERSON: 404,
  ANBU_LATE_EVENT: 409,
}

/** The deepest JSON a request body may nest (an event is 2 levels deep in a batch). */
const MAX_JSON_DEPTH = 32

/** Fsyncs a directory, so that a file created or renamed in it stays after a crash. */
function fsyncDir(dir) {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Durable state: `state-<g>.snap` holds everything journaled in `journal-<h>.jsonl` for h <= g.
 * The two newest snapshots are kept, with every journal after the older one.
 */
class Store {
  constructor(dir) {
    this.dir = dir
    fs.mkdirSync(dir, { recursive: true })
  }

  files(prefix, ext) {
    return fs
      .readdirSync(this.dir)
      .map((f) => f.match(new RegExp(`^${prefix}-(\\d+)\\.${ext}$`)))
      .filter(Boolean)
      .map((m) => ({ gen: Number(m[1]), file: path.join(this.dir, m[0]) }))
      .sort((a, b) => a.gen - b.gen)
  }

  /**
   * The engine as it was: the newest snapshot that restores (a damaged one is renamed
   * `*.corrupt` and the one before it taken), then every later journal entry, in order, each
   * giving the outcome it had. Anything else (a damaged journal line, an entry that no longer
   * gives its outcome, no snapshot left to fall back on) is thrown: the service does not start
   * on state it cannot vouch for.
   */
  load(apply) {
    for (const f of fs.readdirSync(this.dir)) {
      if (f.endsWith('.tmp')) fs.rmSync(path.join(this.dir, f), { force: true })
    }
    const snaps = this.files('state', 'snap')
    const journals = this.files('journal', 'jsonl')
    let engine = null
    let base = -1
    let restoredFrom = null
    const skipped = []
    for (const s of [...snaps].reverse()) {
      try {
        engine = Engine.restore(fs.readFileSync(s.file))
      } catch (err) {
        skipped.push({ file: path.basename(s.file), error: err.message })
        fs.renameSync(s.file, `${s.file}.corrupt`)
        continue
      }
      base = s.gen
      restoredFrom = path.basename(s.file)
      break
    }
    if (skipped.length) {
      fsyncDir(this.dir)
      // Without the journals back to the start, a fresh engine would silently miss persons.
      if (!engine && journals.length && journals[0].gen > 0) {
        throw new Error(`no snapshot could be restored (${JSON.stringify(skipped)}) and the journals before journal-${journals[0].gen}.jsonl are gone`)
      }
    }
    engine ??= new Engine()
    const oldest = base < 0 ? 0 : base + 1
    const needed = journals.filter((j) => j.gen > base)
    if (needed.length && needed[0].gen > oldest) {
      throw new Error(`journal-${oldest}.jsonl is missing: cannot replay from ${restoredFrom ?? 'the start'}`)
    }
    let replayed = 0
    const legacyRefused = []
    for (const j of needed) {
      const text = fs.readFileSync(j.file, 'utf8')
      const lines = text.split('\n')
      lines.forEach((line, i) => {
        if (!line.trim()) return
        const where = `${path.basename(j.file)} line ${i + 1}`
        let entry
        try {
          entry = JSON.parse(line)
        } catch {
          // A torn last write (no newline after it) was never acknowledged; anything else is damage.
          if (i === lines.length - 1) return
          throw new Error(`${where}: not a journal entry (damaged journal)`)
        }
        let error = null
        try {
          apply(engine, entry)
        } catch (err) {
          error = err
        }
        if (entry.ok === undefined) {
          // Written before entries carried their outcome (journaled before they were applied,
          // refused ones too): a refusal is reported, as it may have been refused at the time.
          if (error) legacyRefused.push(`${where}: ${error.message}`)
        } else if ((error === null) !== entry.ok) {
          const was = entry.ok ? 'accepted' : 'refused'
          throw new Error(`${where}: replay gave a different outcome than when it was ${was}: ${error ? error.message : 'accepted'}`)
        }
        replayed++
      })
    }
    this.gen = Math.max(base, ...snaps.map((s) => s.gen), ...journals.map((j) => j.gen)) + 1
    this.journal = fs.openSync(path.join(this.dir, `journal-${this.gen}.jsonl`), 'a')
    fsyncDir(this.dir)
    for (const r of legacyRefused) console.error(`replay refused ${r}`)
    return { engine, replayed, restoredFrom, skipped, legacyRefused }
  }

  /** Appends one request to the journal and flushes it to disk. */
  append(entry) {
    fs.writeSync(this.journal, JSON.stringify(entry) + '\n')
    fs.fdatasyncSync(this.journal)
  }

  /**
   * Snapshots the engine: rotate the journal, write the snapshot atomically (temporary file,
   * fsync, rename, fsync of the directory), then drop what the snapshot before it no longer needs.
   */
  snapshot(engine) {
    const gen = this.gen
    const bytes = engine.snapshot() // synchronous: no request runs in between
    fs.closeSync(this.journal)
    this.gen = gen + 1
    this.journal = fs.openSync(path.join(this.dir, `journal-${this.gen}.jsonl`), 'a')
    const file = path.join(this.dir, `state-${gen}.snap`)
    const tmp = `${file}.tmp`
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeFileSync(fd, bytes)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
    fsyncDir(this.dir)
    // Keep the snapshot before this one and every journal after it (the fallback).
    const snaps = this.files('state', 'snap')
    const previous = snaps.length > 1 ? snaps[snaps.length - 2].gen : gen
    for (const old of snaps) if (old.gen < previous) fs.rmSync(old.file, { force: true })
    for (const old of this.files('journal', 'jsonl')) if (old.gen <= previous) fs.rmSync(old.file, { force: true })
    for (const f of fs.readdirSync(this.dir)) {
      const m = f.match(/^state-(\d+)\.snap\.corrupt$/)
      if (m && Number(m[1]) < previous) fs.rmSync(path.join(this.dir, f), { force: true })
    }
    return file
  }

  close() {
    fs.closeSync(this.journal)
  }
}

/** Applies one journal entry (or request) to an engine. */
function apply(engine, entry) {
  // The wall clock when the events came: events dated further ahead of it than the person's
  // profile allows (`clock.max_ahead_h`) are refused (a device clock running ahead).
  if (entry.clock !== undefined) engine.setClock(entry.clock)
  if (entry.persons) {
    for (const p of entry.persons) engine.addPerson(p)
    return entry.persons.length
  }
  if (entry.assess) {
    const { person, at } = entry.assess
    return person === undefined ? engine.assessAll(at) : engine.assess(person, at)
  }
  return engine.ingest(entry.events)
}

/** How deep a JSON text nests (brackets outside strings). */
function jsonDepth(text) {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) max = Math.max(max, ++depth)
    else if (c === 93 || c === 125) depth--
  }
  return max
}

function buildServer({ dataDir, snapshotMs = 60_000, logger = false } = {}) {
  const store = new Store(dataDir)
  const { engine, replayed, restoredFrom, skipped, legacyRefused } = store.load(apply)
  const app = Fastify({ logger, bodyLimit: 64 << 20 })
  let dirty = replayed > 0 || skipped.length > 0

  // JSON bodies: too deep a nesting is the client's error (400), refused before parsing; the
  // rest is Fastify's own parser (which refuses prototype poisoning).
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const depth = jsonDepth(body)
    if (depth > MAX_JSON_DEPTH) {
      const err = new Error(`request body: JSON nested ${depth} levels deep, at most ${MAX_JSON_DEPTH}`)
      err.statusCode = 400
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY'
      return done(err)
    }
    parseJson(req, body, done)
  })

  /**
   * Applies a request, then journals it with its outcome (replay checks it gives the same); what
   * was refused changed nothing and is not journaled.
   */
  const accept = (entry) => {
    const n = apply(engine, entry)
    store.append({ ...entry, ok: true })
    dirty = true
    return n
  }
  /** An assessment changes what the next one holds: journaled with its outcome, either way. */
  const assess = (person, at) => {
    const entry = { assess: person === undefined ? { at } : { person, at } }
    try {
      const out = apply(engine, entry)
      store.append({ ...entry, ok: true })
      return out
    } catch (err) {
      // A refused assessment of every person may have assessed some of them first: journaled
      // as refused, so that replay does the same. One person's changes nothing when refused.
      if (person === undefined && err.code) store.append({ ...entry, ok: false })
      throw err
    } finally {
      dirty = true
    }
  }
  const snapshot = () => {
    if (!dirty) return null
    dirty = false
    return store.snapshot(engine)
  }
  const timer = setInterval(snapshot, snapshotMs)
  timer.unref()

  app.setErrorHandler((err, _req, reply) => {
    const status = STATUS[err.code] ?? err.statusCode ?? 500
    reply.code(status).send({ code: err.code ?? 'ERROR', message: err.message })
  })

  app.get('/health', async () => ({ ok: true, persons: engine.size, restoredFrom, replayed, skipped, legacyRefused }))
  app.post('/persons', async (req) => {
    const persons = Array.isArray(req.body) ? req.body : [req.body]
    // Check them all first: a refused request leaves no trace.
    const trial = Engine.restore(engine.snapshot())
    apply(trial, { persons })
    return { added: accept({ persons }) }
  })
  app.post('/events', async (req) => {
    const events = Array.isArray(req.body) ? req.body : [req.body]
    // The clock is read once and journaled, so that replay refuses exactly what was refused.
    const entry = { events, clock: Date.now() }
    try {
      return { ingested: accept(entry) }
    } catch (err) {
      // A refused batch adds no event, but the clock moved and a device running ahead is noted
      // for the person's assessments: journaled as refused, so that replay does the same.
      if (err.code) {
        store.append({ ...entry, ok: false })
        dirty = true
      }
      throw err
    }
  })
  // The time is resolved once, so that the journal replays the same assessment.
  const at = (req) => (req.query.at === undefined ? Date.now() : /^\d+$/.test(req.query.at) ? Number(req.query.at) : req.query.at)
  app.get('/assessments', async (req) => assess(undefined, at(req)))
  app.get('/assessments/:person', async (req) => assess(req.params.person, at(req)))
  app.post('/snapshot', async () => {
    const file = snapshot()
    return { file: file && path.basename(file) }
  })

  app.addHook('onClose', async () => {
    clearInterval(timer)
    snapshot()
    store.close()
  })
  return app
}

module.exports = { buildServer }

if (require.main === module) {
  const app = buildServer({
    dataDir: process.env.ANBU_DATA_DIR || path.join(__dirname, 'data'),
    snapshotMs: Number(process.env.ANBU_SNAPSHOT_MS || 60_000),
  })
  const stop = () => app.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  app
    .listen({ host: process.env.HOST || '127.0.0.1', port: Number(process.env.PORT || 3000) })
    .then((address) => console.log(`listening on ${address}`))
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
