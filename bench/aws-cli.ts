// The Python AWS CLI, the baseline an on-call engineer would otherwise type: found on PATH and proven to
// run (a pyenv shim can exist for a Python without it). Missing is reported, never a crash.
import {spawnSync} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import {delimiter, join} from 'node:path'

export function awsCli(): {path: string; version: string} | {missing: string} {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const path = dirs.map((d) => join(d, 'aws')).find((p) => {
    try {
      accessSync(p, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  if (!path) return {missing: 'the AWS CLI (aws) is not on PATH; install it (pip install awscli) to compare against it'}
  const r = spawnSync(path, ['--version'], {encoding: 'utf8'})
  if (r.status !== 0) return {missing: `${path} --version failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n')[0]}`}
  return {path, version: (r.stdout || r.stderr).trim().split(/\s+/)[0]!}
}
