// An HTTP service around one anbu Engine per process.
//
//   POST /persons       { person, profile, devices? } or an array of them
//   POST /events        an event object or an array of them (the spec's field names)
//   GET  /assessments   every person, at ?at= (RFC 3339 or epoch ms; default: now)
//   GET  /assessments/:person
//   GET  /health
//   GET  /board, /board/persons/:person, POST /board/persons/:person/ack: the control
//        center's board (HTML; board.js)
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
const anbu = require('anbu')
const { Engine } = anbu
const { LEVELS, RANK } = require('./levels')
const { registerBoard, BoardState } = require('./board')

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
   * Snapshots the engine: rotate the journal (starting it with the `carry` entries), write the snapshot atomically (temporary file,
   * fsync, rename, fsync of the directory), then drop what the snapshot before it no longer needs.
   */
  snapshot(engine, carry = []) {
    const gen = this.gen
    const bytes = engine.snapshot() // synchronous: no request runs in between
    fs.closeSync(this.journal)
    this.gen = gen + 1
    this.journal = fs.openSync(path.join(this.dir, `journal-${this.gen}.jsonl`), 'a')
    // What the service keeps beside the engine (the board's acknowledgements) starts the new
    // journal, so that it outlives the journals dropped below.
    for (const entry of carry) this.append({ ...entry, ok: true })
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

  /** Bytes of the journals on disk (what a start would replay, and the fallback's). */
  journalBytes() {
    return this.files('journal', 'jsonl').reduce((sum, j) => sum + (fs.statSync(j.file, { throwIfNoEntry: false })?.size ?? 0), 0)
  }

  /** When the newest snapshot was written (epoch ms), or null if there is none. */
  snapshotTime() {
    const newest = this.files('state', 'snap').at(-1)
    return newest ? (fs.statSync(newest.file, { throwIfNoEntry: false })?.mtimeMs ?? null) : null
  }

  close() {
    fs.closeSync(this.journal)
  }
}

/**
 * Applies one journal entry to an engine; throws what the engine throws. An `each` entry
 * (events taken one by one) throws unless exactly the events it lists as refused are refused.
 */
function apply(engine, entry) {
  // The wall clock when the events came: events dated further ahead of it than the person's
  // profile allows (`clock.max_ahead_h`) are refused (a device clock running ahead).
  if (entry.clock !== undefined) engine.setClock(entry.clock)
  // The board's entries (operators' acknowledgements) change nothing in the engine.
  if (entry.ack || entry.acks) return 0
  if (entry.persons) {
    for (const p of entry.persons) engine.addPerson(p)
    return entry.persons.length
  }
  if (entry.assess) {
    const { person, at, filter } = entry.assess
    if (filter !== undefined) return engine.triage(at, filter)
    return person === undefined ? engine.assessAll(at) : engine.assess(person, at)
  }
  if (entry.each) {
    const refused = new Set(entry.refused ?? [])
    entry.each.forEach((event, k) => {
      let error = null
      try {
        engine.ingest(event)
      } catch (err) {
        if (!err.code) throw err
        error = err
      }
      if ((error !== null) !== refused.has(k)) {
        throw new Error(`event ${k} of the entry was ${refused.has(k) ? 'refused' : 'accepted'}, now ${error ? `refused: ${error.message}` : 'accepted'}`)
      }
    })
    return entry.each.length - refused.size
  }
  // Entries written before events were taken one by one: a batch, atomically.
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


/** An error answered with `status` and `{ error: { code, message } }`. */
function httpError(status, code, message) {
  return Object.assign(new Error(message), { statusCode: status, code })
}

/** A page's cursor: the time everyone was assessed at, the filter, and the last row given. */
const cursor = {
  encode: (c) => Buffer.from(JSON.stringify(c)).toString('base64url'),
  decode(text) {
    let c
    try {
      c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    } catch {
      c = null
    }
    const ok =
      c && (typeof c.at === 'number' || typeof c.at === 'string') && (c.level === null || LEVELS.includes(c.level)) &&
      Array.isArray(c.last) && LEVELS.includes(c.last[0]) && typeof c.last[1] === 'number' && typeof c.last[2] === 'string' &&
      (c.where === undefined ||
        (c.where !== null && typeof c.where === 'object' && Object.entries(c.where).every(([k, v]) => ['district', 'caseworker'].includes(k) && typeof v === 'string')))
    if (!ok) throw httpError(400, 'INVALID_CURSOR', 'cursor: not a cursor this service gave')
    return c
  },
}

// Route schemas: the shapes of requests and answers. What an event, a person or a time may be
// is the core's to check (its errors name the field); the schemas only wire HTTP.
const SCHEMAS = [
  {
    $id: 'error',
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  {
    $id: 'assessment',
    type: 'object',
    required: ['person', 'at', 'score', 'level', 'action', 'responder', 'reasons'],
    properties: {
      person: { type: 'string' },
      at: { type: 'string' },
      score: { type: 'number' },
      level: { type: 'string' },
      action: { type: 'string' },
      responder: { type: 'string' },
      visit: { type: 'string' },
      reasons: {
        type: 'array',
        items: {
          type: 'object',
          properties: { signal: { type: 'string' }, kind: { type: 'string' }, detail: { type: 'string' }, contribution: { type: 'number' } },
        },
      },
    },
  },
]
const errors = { '4xx': { $ref: 'error#' }, '5xx': { $ref: 'error#' } }
const oneOrMany = { type: ['object', 'array'] }
const atQuery = { type: 'string', maxLength: 100 }

function buildServer({ dataDir, snapshotMs = 60_000, logger = false } = {}) {
  const store = new Store(dataDir)
  // Filled by `load()`; until then only /healthz, /readyz and /metrics answer (503 elsewhere).
  let engine = null
  let loaded = null
  let dirty = false
  let timer = null
  /** The largest wall clock given to the engine (journaled with the next entry, see below). */
  let clock = 0
  /** Bumped by everything that changes what an assessment gives (the cache of a page walk). */
  let version = 0
  /** The last assessment of everyone, ranked: later pages of the same walk are cut from it. */
  let ranked = null
  const counts = { ingested: 0, duplicates: 0, refused: { late: 0, invalid: 0 }, served: Object.fromEntries(LEVELS.map((l) => [l, 0])), snapshots: 0 }
  let lastLevels = null

  const app = Fastify({
    logger,
    bodyLimit: 64 << 20,
    // An unknown query parameter (`?district=`) is refused, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, allowUnionTypes: true } },
  })
  for (const s of SCHEMAS) app.addSchema(s)

  // JSON bodies: too deep a nesting is the client's error (400), refused before parsing; the
  // rest is Fastify's own parser (which refuses prototype poisoning).
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const depth = jsonDepth(body)
    if (depth > MAX_JSON_DEPTH) {
      return done(httpError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', `request body: JSON nested ${depth} levels deep, at most ${MAX_JSON_DEPTH}`))
    }
    parseJson(req, body, done)
  })

  /** The board's acknowledgements and the timeline of each person's assessments. */
  const board = new BoardState()

  /** Restores the engine and opens the journal (see `Store.load`); throws what stops a start. */
  const load = () => {
    const state = store.load((engine, entry) => {
      const out = apply(engine, entry)
      if (entry.assess) board.record(out)
      else board.replay(entry)
      return out
    })
    engine = state.engine
    loaded = state
    dirty = state.replayed > 0 || state.skipped.length > 0
    timer = setInterval(snapshot, snapshotMs)
    timer.unref()
    return state
  }

  /**
   * Journals what was applied, with its outcome (replay checks it gives the same), and flushes
   * it before the request is acknowledged.
   */
  const journal = (entry) => {
    store.append({ ...entry, ok: true })
    dirty = true
    version++
  }
  /** An assessment changes what the next one holds: journaled with its outcome, either way. */
  const assess = (person, at, filter) => {
    const entry = { assess: person !== undefined ? { person, at } : filter !== undefined ? { at, filter } : { at } }
    try {
      const out = apply(engine, entry)
      store.append({ ...entry, ok: true })
      board.record(out)
      return out
    } catch (err) {
      // A refused assessment of every person may have assessed some of them first: journaled
      // as refused, so that replay does the same. One person's changes nothing when refused.
      if (person === undefined && err.code) store.append({ ...entry, ok: false })
      throw err
    } finally {
      dirty = true
      version++
    }
  }
  const snapshot = () => {
    if (!dirty) return null
    dirty = false
    counts.snapshots++
    return store.snapshot(engine, board.carry())
  }
  /**
   * The triage queue: everyone at `level` (or null: any) or above, assessed at `at`, most urgent
   * first. Everyone is assessed (and journaled) when `fresh`, or when anything changed since the
   * last assessment of everyone at `at`; otherwise that assessment is cut again (a page walk).
   */
  const triage = (at, level, fresh, where = {}) => {
    const key = JSON.stringify(where)
    if (fresh || !ranked || ranked.at !== at || ranked.version !== version || ranked.key !== key) {
      // The core's triage queue: the persons of the district / caseworker, most urgent first
      // (`anbu::urgency`, the one ranking).
      const rows = assess(undefined, at, where)
      if (key === '{}') {
        lastLevels = Object.fromEntries(LEVELS.map((l) => [l, 0]))
        for (const a of rows) lastLevels[a.level]++
      }
      ranked = { at, version, key, rows }
    }
    const min = level === null ? 0 : RANK[level]
    return ranked.rows.filter((a) => RANK[a.level] >= min)
  }
  const served = (rows) => {
    for (const a of rows) counts.served[a.level] = (counts.served[a.level] ?? 0) + 1
    return rows
  }

  const statusOf = (err) => STATUS[err.code] ?? err.statusCode ?? 500
  app.setErrorHandler((err, req, reply) => {
    const status = statusOf(err)
    // The message may quote an event or a person: it goes to the caller, never to the log.
    if (status >= 500) req.log.error({ code: err.code ?? null }, 'request failed')
    const message = status >= 500 && !err.code ? 'internal error' : err.message
    reply.code(status).send({ error: { code: err.code ?? 'ERROR', message } })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } })
  })
  const ALWAYS = new Set(['/healthz', '/readyz', '/metrics'])
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url
    if (!engine && route !== undefined && !ALWAYS.has(route)) throw httpError(503, 'NOT_READY', 'the engine is being restored')
  })

  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true }))
  app.get('/readyz', { schema: { response: { 200: { type: 'object', properties: { ready: { type: 'boolean' } } }, ...errors } } }, async () => {
    if (!engine) throw httpError(503, 'NOT_READY', 'the engine is being restored')
    return { ready: true }
  })
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              persons: { type: 'integer' },
              restoredFrom: { type: ['string', 'null'] },
              replayed: { type: 'integer' },
              skipped: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, error: { type: 'string' } } } },
              legacyRefused: { type: 'array', items: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    async () => {
      const { restoredFrom, replayed, skipped, legacyRefused } = loaded
      return { ok: true, persons: engine.size, restoredFrom, replayed, skipped, legacyRefused }
    },
  )

  app.post(
    '/persons',
    { schema: { body: oneOrMany, response: { 200: { type: 'object', properties: { added: { type: 'integer' } } }, ...errors } } },
    async (req) => {
      const persons = Array.isArray(req.body) ? req.body : [req.body]
      // Checked first by the core on an empty engine (id, profile, devices): a refused request
      // leaves no trace, without a snapshot of the engine.
      const check = new Engine()
      for (const p of persons) check.addPerson(p)
      const added = []
      try {
        for (const p of persons) {
          engine.addPerson(p)
          added.push(p)
        }
      } finally {
        // Only the engine's own limit (persons in one engine) can refuse one now: what was added is kept.
        if (added.length) journal({ persons: added })
      }
      return { added: added.length }
    },
  )

  const resultSchema = {
    type: 'object',
    required: ['index', 'status'],
    properties: {
      index: { type: 'integer' },
      status: { type: 'string', enum: ['accepted', 'duplicate', 'late', 'invalid'] },
      code: { type: 'string' },
      reason: { type: 'string' },
    },
  }
  app.post(
    '/events',
    { schema: { body: oneOrMany, response: { 200: { type: 'object', properties: { results: { type: 'array', items: resultSchema } } }, ...errors } } },
    async (req) => {
      const events = Array.isArray(req.body) ? req.body : [req.body]
      // The wall clock, journaled with the entry: replay refuses exactly what was refused. The
      // largest one given so far is journaled, so that the replayed clock is the live one even
      // when requests that changed nothing (and so were not journaled) came in between.
      clock = Math.max(clock, Date.now())
      engine.setClock(clock)
      const results = []
      // The events the engine took, and those it refused after noting something (a device
      // whose clock runs ahead): what replay must do again. Events that do not parse, late ones,
      // unknown persons' and exact repeats of events already taken (`duplicate`, which the
      // engine ignores) change nothing and are not journaled.
      const each = []
      const refused = []
      // Journaled whatever happens next: what the engine took stays taken.
      try {
        events.forEach((event, index) => {
          try {
            anbu.events([event])
          } catch (err) {
            if (!err.code) throw err
            // (Checked alone: the core's `row 0` is this event, whose index is given.)
            results.push({ index, status: 'invalid', code: err.code, reason: err.message.replace(/^row 0: /, '') })
            return
          }
          try {
            const status = engine.ingestOne(event)
            if (status === 'accepted') each.push(event)
            results.push({ index, status })
          } catch (err) {
            if (!err.code || err.code === 'ANBU_INTERNAL') throw err
            const late = err.code === 'ANBU_LATE_EVENT'
            if (!late && err.code !== 'ANBU_UNKNOWN_PERSON') {
              refused.push(each.length)
              each.push(event)
            }
            results.push({ index, status: late ? 'late' : 'invalid', code: err.code, reason: err.message })
          }
        })
      } finally {
        if (each.length) journal({ each, refused, clock })
        counts.ingested += each.length - refused.length
      }
      for (const r of results) {
        if (r.status === 'duplicate') counts.duplicates++
        else if (r.status !== 'accepted') counts.refused[r.status]++
      }
      return { results }
    },
  )

  // The time is resolved once, so that the journal replays the same assessment.
  const at = (q) => (q === undefined ? Date.now() : /^\d+$/.test(q) ? Number(q) : q)
  app.get(
    '/assessments',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            at: atQuery,
            district: { type: 'string', minLength: 1, maxLength: 128 },
            caseworker: { type: 'string', minLength: 1, maxLength: 128 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', maxLength: 2000 },
            level: { type: 'string', enum: LEVELS },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: { items: { type: 'array', items: { $ref: 'assessment#' } }, nextCursor: { type: ['string', 'null'] } },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query
      const where = {}
      if (q.district !== undefined) where.district = q.district
      if (q.caseworker !== undefined) where.caseworker = q.caseworker
      let page
      if (q.cursor !== undefined) {
        page = cursor.decode(q.cursor)
        const same = (a, b) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {})
        if ((q.at !== undefined && at(q.at) !== page.at) || (q.level ?? null) !== page.level || (Object.keys(where).length && !same(where, page.where))) {
          throw httpError(400, 'INVALID_CURSOR', 'cursor: give the same `at`, `level`, `district` and `caseworker` as for the first page, or none')
        }
      } else page = { at: at(q.at), level: q.level ?? null, where, last: null }
      // The first page assesses everyone it covers; the next ones are cut from it while nothing
      // changed (otherwise they are assessed again, at the same time). A page goes on after the
      // last person shown, in the core's order.
      let rows = triage(page.at, page.level, !page.last, page.where ?? {})
      if (page.last) {
        const [, , person] = page.last
        const i = rows.findIndex((a) => a.person === person)
        if (i < 0) throw httpError(400, 'INVALID_CURSOR', 'cursor: its last person is no longer in the queue; start again')
        rows = rows.slice(i + 1)
      }
      const items = rows.slice(0, q.limit)
      const last = items.at(-1)
      const more = rows.length > items.length
      return {
        items: served(items),
        nextCursor: more
          ? cursor.encode({ at: page.at, level: page.level, where: page.where ?? {}, last: [last.level, last.score, last.person] })
          : null,
      }
    },
  )
  app.get(
    '/assessments/:person',
    {
      schema: {
        params: { type: 'object', properties: { person: { type: 'string' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { at: atQuery } },
        response: { 200: { $ref: 'assessment#' }, ...errors },
      },
    },
    async (req) => served([assess(req.params.person, at(req.query.at))])[0],
  )
  app.post('/snapshot', { schema: { response: { 200: { type: 'object', properties: { file: { type: ['string', 'null'] } } }, ...errors } } }, async () => {
    const file = snapshot()
    return { file: file && path.basename(file) }
  })

  registerBoard(app, {
    ranked: (when, level, where = {}) => served(triage(when, level, true, where)),
    assess: (person, when) => served([assess(person, when)])[0],
    journal,
    persons: () => engine.persons(),
    state: board,
    at,
    statusOf,
  })

  app.get('/metrics', async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8')
    return metrics()
  })

  /** Prometheus text format (exposition format 0.0.4). */
  const metrics = () => {
    const out = []
    const metric = (name, type, help, samples) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples) {
        const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
        out.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`)
      }
    }
    metric('anbu_ready', 'gauge', 'Whether the engine is restored and the journal open (1) or not yet (0).', [[{}, engine ? 1 : 0]])
    metric('anbu_persons', 'gauge', 'Persons registered in the engine.', [[{}, engine ? engine.size : 0]])
    metric('anbu_events_ingested_total', 'counter', 'Events the engine accepted.', [[{}, counts.ingested]])
    metric('anbu_events_duplicate_total', 'counter', 'Exact repeats of events already accepted (ignored).', [[{}, counts.duplicates]])
    metric(
      'anbu_events_refused_total',
      'counter',
      'Events refused, by status (late: past the allowed lateness; invalid: anything else the core refused).',
      Object.entries(counts.refused).map(([status, n]) => [{ status }, n]),
    )
    metric(
      'anbu_assessments_served_total',
      'counter',
      'Assessments answered, by level.',
      LEVELS.map((level) => [{ level }, counts.served[level]]),
    )
    metric(
      'anbu_persons_by_level',
      'gauge',
      'Persons at each level in the last assessment of everyone (NaN before one).',
      LEVELS.map((level) => [{ level }, lastLevels ? lastLevels[level] : NaN]),
    )
    metric('anbu_journal_bytes', 'gauge', 'Bytes of the journals on disk.', [[{}, store.journalBytes()]])
    const snapAt = store.snapshotTime()
    metric('anbu_snapshot_age_seconds', 'gauge', 'Seconds since the newest snapshot was written (NaN: none yet).', [
      [{}, snapAt === null ? NaN : Math.max(0, (Date.now() - snapAt) / 1000)],
    ])
    metric('anbu_snapshots_total', 'counter', 'Snapshots written by this process.', [[{}, counts.snapshots]])
    return out.join('\n') + '\n'
  }

  app.addHook('onClose', async () => {
    if (!engine) return
    clearInterval(timer)
    snapshot()
    store.close()
  })
  app.decorate('anbu', { load })
  return app
}

module.exports = { buildServer }

if (require.main === module) {
  const app = buildServer({
    dataDir: process.env.ANBU_DATA_DIR || path.join(__dirname, 'data'),
    snapshotMs: Number(process.env.ANBU_SNAPSHOT_MS || 60_000),
    // Pino: the request line and the status; never a body (events, persons) nor an error's message.
    logger: {
      level: process.env.LOG_LEVEL || 'info',
      serializers: {
        req: (req) => ({ method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
  })
  const stop = () => app.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  app
    .listen({ host: process.env.HOST || '127.0.0.1', port: Number(process.env.PORT || 3000) })
    .then((address) => {
      console.log(`listening on ${address}`)
      // Listening first: /healthz answers and /readyz says 503 while the engine is restored.
      setImmediate(() => {
        try {
          const { restoredFrom, replayed } = app.anbu.load()
          app.log.info({ restoredFrom, replayed }, 'engine restored')
          console.log('ready')
        } catch (err) {
          console.error(err)
          process.exit(1)
        }
      })
    })
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
