// Temporary directories for tests (this package's and the service example's): each is removed
// once the test file's tests are done, so test runs leave nothing behind in the temp directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'

const made = []
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
})

/** A fresh directory under the OS's temporary directory, removed after the test file's tests. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
