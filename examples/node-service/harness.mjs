// The service tests' harness: starts server.js as a child process on 127.0.0.1 (a free port),
// calls it with JSON, and stops it gracefully or by killing it.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { after } from 'node:test'
import { fileURLToPath } from 'node:url'

// Removed once the test file's tests are done.
export { tempDir } from '../../bindings-node/__test__/temp-dir.mjs'

const server = join(dirname(fileURLToPath(import.meta.url)), 'server.js')

// A service a failed test did not stop is killed once the file's tests are done: a running
// child would keep the test file's process, and so the whole suite, from ever ending.
const running = new Set()
after(() => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Runs the service on `dataDir`; resolves once it listens and its engine is restored (it says
 * `ready`), rejects with its output if it exits first. `output()` is what it wrote to stdout
 * (its log) so far.
 */
export async function start(dataDir, env = {}) {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ANBU_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let err = ''
  child.stderr.on('data', (d) => {
    err += d
  })
  let out = ''
  const base = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/)
      if (m && /^ready$/m.test(out)) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before it was ready: ${out}${err}`)))
  })
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const json = /json/.test(res.headers.get('content-type') ?? '')
    return { status: res.status, body: json ? await res.json() : await res.text(), type: res.headers.get('content-type') }
  }
  const stop = (signal = 'SIGTERM') =>
    new Promise((resolve) => {
      child.once('exit', resolve)
      child.kill(signal)
    })
  return { call, stop, base, output: () => out }
}
