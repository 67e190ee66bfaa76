// An HTTP service around one anbu Engine per process.
//
//   POST /persons       { person, profile, devices? } or an array of them
//   POST /events        an event object or an array of them (the spec's field names)
//   GET  /assessments   every person, at ?at= (RFC 3339 or epoch ms; default: now)
//   GET  /assessments/:person
//   GET  /health
//
// Durability: every accepted request is appended to a journal (fsync'd) before it is applied;
// every ANBU_SNAPSHOT_MS (and on shutdown) the engine is snapshotted to disk and the journal
// restarts. On start the newest snapshot is restored and the journal after it replayed, so a
// restart — even a crash — loses nothing that was acknowledged.
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

/** Durable state: `state-<g>.snap` holds everything journaled in `journal-<h>.jsonl` for h <= g. */
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

  /** The engine as it was: the newest snapshot, then every later journal entry, in order. */
  load(apply) {
    const snaps = this.files('state', 'snap')
    const last = snaps[snaps.length - 1]
    const engine = last ? Engine.restore(fs.readFileSync(last.file)) : new Engine()
    const base = last ? last.gen : -1
    let replayed = 0
    for (const j of this.files('journal', 'jsonl').filter((j) => j.gen > base)) {
      for (const line of fs.readFileSync(j.file, 'utf8').split('\n')) {
        if (!line.trim()) continue
        let entry
        try {
          entry = JSON.parse(line)
        } catch {
          continue // a torn last line: that request was never acknowledged
        }
        try {
          apply(engine, entry)
          replayed++
        } catch {
          // The entry was refused when it arrived too (the engine is deterministic).
        }
      }
    }
    this.gen = Math.max(base, ...this.files('journal', 'jsonl').map((j) => j.gen)) + 1
    this.journal = fs.openSync(path.join(this.dir, `journal-${this.gen}.jsonl`), 'a')
    return { engine, replayed, restoredFrom: last ? path.basename(last.file) : null }
  }

  /** Appends one request to the journal and flushes it to disk. */
  append(entry) {
    fs.writeSync(this.journal, JSON.stringify(entry) + '\n')
    fs.fdatasyncSync(this.journal)
  }

  /** Snapshots the engine: rotate the journal, write the snapshot, then drop what it covers. */
  snapshot(engine) {
    const gen = this.gen
    const bytes = engine.snapshot() // synchronous: no request runs in between
    fs.closeSync(this.journal)
    this.gen = gen + 1
    this.journal = fs.openSync(path.join(this.dir, `journal-${this.gen}.jsonl`), 'a')
    const file = path.join(this.dir, `state-${gen}.snap`)
    const tmp = `${file}.tmp`
    const fd = fs.openSync(tmp, 'w')
    fs.writeSync(fd, bytes)
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fs.renameSync(tmp, file)
    for (const old of [...this.files('state', 'snap'), ...this.files('journal', 'jsonl')]) {
      if (old.gen < gen || (old.gen === gen && old.file.endsWith('.jsonl'))) fs.rmSync(old.file, { force: true })
    }
    return file
  }

  close() {
    fs.closeSync(this.journal)
  }
}

/** Applies one journal entry (or request) to an engine. */
function apply(engine, entry) {
  if (entry.persons) {
    for (const p of entry.persons) engine.addPerson(p)
    return entry.persons.length
  }
  return engine.ingest(entry.events)
}

function buildServer({ dataDir, snapshotMs = 60_000, logger = false } = {}) {
  const store = new Store(dataDir)
  const { engine, replayed, restoredFrom } = store.load(apply)
  const app = Fastify({ logger, bodyLimit: 64 << 20 })
  let dirty = replayed > 0

  const accept = (entry) => {
    store.append(entry)
    const n = apply(engine, entry)
    dirty = true
    return n
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

  app.get('/health', async () => ({ ok: true, persons: engine.size, restoredFrom, replayed }))
  app.post('/persons', async (req) => {
    const persons = Array.isArray(req.body) ? req.body : [req.body]
    // Check them all before journaling anything: a refused request leaves no trace.
    const trial = Engine.restore(engine.snapshot())
    apply(trial, { persons })
    return { added: accept({ persons }) }
  })
  app.post('/events', async (req) => {
    const events = Array.isArray(req.body) ? req.body : [req.body]
    return { ingested: accept({ events }) }
  })
  const at = (req) => (req.query.at === undefined ? Date.now() : /^\d+$/.test(req.query.at) ? Number(req.query.at) : req.query.at)
  app.get('/assessments', async (req) => engine.assessAll(at(req)))
  app.get('/assessments/:person', async (req) => engine.assess(req.params.person, at(req)))
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
