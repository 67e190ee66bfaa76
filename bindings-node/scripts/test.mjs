// The Node suite, as `npm test` runs it:
//   1. build the addon (debug) with @napi-rs/cli, which regenerates index.d.ts and index.js;
//   2. fail if that changed the committed index.d.ts / index.js (the API changed: commit them);
//   3. type-check the TypeScript consumer (tsc --noEmit);
//   4. install the service example's dependencies (fastify + this package);
//   5. run `node --test` on this package's tests and the service example's tests.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const service = join(root, '..', 'examples', 'node-service')
const bin = (name) => join(root, 'node_modules', '.bin', name)

function run(cmd, args, cwd = root) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`)
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`\nfailed (${r.status ?? r.signal}): ${[cmd, ...args].join(' ')}`)
    process.exit(r.status || 1)
  }
}

run(bin('napi'), ['build', '--platform', ...(process.env.ANBU_RELEASE ? ['--release'] : [])])
if (existsSync(join(root, '..', '.git'))) {
  run('git', ['diff', '--exit-code', '--stat', '--', 'index.d.ts', 'index.js'])
}
run(bin('tsc'), ['--noEmit', '-p', join('__test__', 'ts')])
if (existsSync(join(service, 'package.json'))) {
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], service)
}
const suites = [join(root, '__test__')]
if (existsSync(join(service, 'test'))) suites.push(join(service, 'test'))
run(process.execPath, ['--test', ...suites])
