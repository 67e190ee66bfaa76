// Ingest benchmark: 1 million events into one Engine, through the columnar form and through
// plain objects, against the Rust baseline (bench/ingest_baseline.rs) on the same events.
//
//   npm run build            # release addon
//   node bench/ingest.mjs [persons=1000] [eventsPerPerson=1000]
//
// Not run by the tests.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { Engine } = createRequire(import.meta.url)('../index.js')
const P = Number(process.argv[2] || 1000)
const K = Number(process.argv[3] || 1000)
const N = P * K
const T0 = 1_714_489_200_000
const pid = (p) => `p-${String(p).padStart(5, '0')}`

function engine() {
  const e = new Engine()
  for (let p = 0; p < P; p++) e.addPerson({ person: pid(p), profile: 'full' })
  return e
}

// The same events as the Rust baseline: event k of person p, persons interleaved in time.
function columns() {
  const person = new Int32Array(N)
  const ts = new Float64Array(N)
  const signal = new Int32Array(N)
  const device = new Int32Array(N)
  const watts = new Float64Array(N).fill(NaN)
  const lux = new Float64Array(N).fill(NaN)
  const steps = new Float64Array(N).fill(NaN)
  const state = new Int32Array(N).fill(-1)
  const action = new Int32Array(N).fill(-1)
  let i = 0
  for (let k = 0; k < K; k++) {
    for (let p = 0; p < P; p++, i++) {
      person[i] = p
      ts[i] = T0 + k * 60_000 + p
      const m = k % 10
      if (m <= 6) {
        signal[i] = 0; device[i] = 0
        watts[i] = 50 + ((k * 37 + p) % 40)
        lux[i] = (k * 13) % 200
      } else if (m === 7) {
        signal[i] = 1; device[i] = 1
        state[i] = Math.floor(k / 10) % 2
      } else if (m === 8) {
        signal[i] = 2; device[i] = 2
        steps[i] = (k * 7) % 500
      } else {
        signal[i] = 3; device[i] = 2
        action[i] = 0
      }
    }
  }
  return {
    person: { codes: person, values: Array.from({ length: P }, (_, p) => pid(p)) },
    ts,
    signal: { codes: signal, values: ['plug', 'door', 'steps', 'app'] },
    device: { codes: device, values: ['plug-tv', 'door-front', 'phone'] },
    watts,
    lux,
    steps,
    state: { codes: state, values: ['open', 'closed'] },
    action: { codes: action, values: ['unlock'] },
  }
}

function objects(c) {
  const out = new Array(N)
  for (let i = 0; i < N; i++) {
    const e = { person: c.person.values[c.person.codes[i]], ts: c.ts[i], signal: c.signal.values[c.signal.codes[i]], device: c.device.values[c.device.codes[i]] }
    if (!Number.isNaN(c.watts[i])) { e.watts = c.watts[i]; e.lux = c.lux[i] }
    if (!Number.isNaN(c.steps[i])) e.steps = c.steps[i]
    if (c.state.codes[i] >= 0) e.state = c.state.values[c.state.codes[i]]
    if (c.action.codes[i] >= 0) e.action = c.action.values[c.action.codes[i]]
    out[i] = e
  }
  return out
}

function time(label, fn) {
  const t = process.hrtime.bigint()
  const n = fn()
  const s = Number(process.hrtime.bigint() - t) / 1e9
  console.log(`${label.padEnd(34)} ${String(n).padStart(8)} events  ${s.toFixed(3)} s  ${Math.round(n / s).toLocaleString('en')} events/s`)
  return { s, rate: n / s }
}

const cols = columns()
const objs = objects(cols)
const e1 = engine()
const columnar = time('JS ingestColumns (one call)', () => e1.ingestColumns(cols))
const e2 = engine()
const plain = time('JS ingest(objects) (one call)', () => e2.ingest(objs))
const e3 = engine()
const chunked = time('JS ingest(objects), 10k per call', () => {
  let n = 0
  for (let i = 0; i < N; i += 10_000) n += e3.ingest(objs.slice(i, i + 10_000))
  return n
})
const same = JSON.stringify(e1.assessAll(T0 + K * 60_000)) === JSON.stringify(e2.assessAll(T0 + K * 60_000))
console.log(`columnar and object engines agree: ${same}`)

const host = spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout.match(/^host: (.+)$/m)[1]
const r = spawnSync('cargo', ['run', '-q', '--release', '-p', 'anbu-node', '--target', host, '--example', 'ingest_baseline', '--', String(P), String(K)], { cwd: root, encoding: 'utf8' })
if (r.status !== 0) {
  console.error(r.stderr)
  process.exit(1)
}
const rust = JSON.parse(r.stdout)
console.log(`Rust records -> ingest_batch         ${rust.events} events  ${rust.records_then_ingest_batch_s.toFixed(3)} s  ${Math.round(rust.records_rate).toLocaleString('en')} events/s`)
console.log(`Rust ingest_batch (prebuilt events)  ${rust.events} events  ${rust.ingest_batch_only_s.toFixed(3)} s  ${Math.round(rust.batch_rate).toLocaleString('en')} events/s`)
console.log(`columnar / Rust (records): ${(columnar.s / rust.records_then_ingest_batch_s).toFixed(2)}x the time; objects: ${(plain.s / rust.records_then_ingest_batch_s).toFixed(2)}x; objects in chunks: ${(chunked.s / rust.records_then_ingest_batch_s).toFixed(2)}x`)
