// Start-up: the installed `lockdown` (packed and installed -g, oclif manifest and all) beside `node -e 0`
// and the Python AWS CLI's `aws --version`, each repetition running every command once in turn, so load
// from other work on the machine hits all of them alike. Medians; the ratios are the figures.
// Targets: lockdown --version and --help ≤ 0.5× aws --version; lockdown validate FILE ≤ 0.7×.
import {spawnSync} from 'node:child_process'
import {loadavg} from 'node:os'
import {join} from 'node:path'

import {awsCli} from './aws-cli.js'

const REPS = Number(process.env.STARTUP_BENCH_REPS ?? 9)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function timeOnce(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

export async function benchStartup(installed: {bin: string; packageDir: string}): Promise<string> {
  const aws = awsCli()
  const playbook = join(installed.packageDir, 'playbooks', 'leaked-access-key.yaml')
  const cases: [string, string, string[]][] = [
    ['node -e 0', process.execPath, ['-e', '0']],
    ...('path' in aws ? ([['aws --version', aws.path, ['--version']]] as [string, string, string[]][]) : []),
    ['lockdown --version', installed.bin, ['--version']],
    ['lockdown --help', installed.bin, ['--help']],
    ['lockdown validate FILE', installed.bin, ['validate', playbook]],
  ]
  const times = new Map(cases.map(([name]) => [name, [] as number[]]))
  for (const [, cmd, args] of cases) timeOnce(cmd, args) // warm the file cache once
  const load = loadavg()[0]!.toFixed(1)
  for (let r = 0; r < REPS; r++) for (const [name, cmd, args] of cases) times.get(name)!.push(timeOnce(cmd, args))
  const m = new Map([...times].map(([k, v]) => [k, median(v)]))
  const awsMs = m.get('aws --version')
  const goal: Record<string, number> = {'lockdown --version': 0.5, 'lockdown --help': 0.5, 'lockdown validate FILE': 0.7}
  const lines = [`start-up, median of ${REPS} interleaved runs (load ${load}), the installed package (npm pack + npm install -g):`]
  for (const [name] of cases) {
    const ms = m.get(name)!
    const vsAws = awsMs && name.startsWith('lockdown') ? `  = ${(ms / awsMs).toFixed(2)}× aws --version (target ≤ ${goal[name]}×${ms / awsMs <= goal[name]! ? ', met' : ', NOT met'})` : ''
    lines.push(`  ${name.padEnd(24)} ${ms.toFixed(0).padStart(5)} ms${vsAws}`)
  }
  if ('missing' in aws) lines.push(`  aws --version: not measured, ${aws.missing}; no ratios`)
  return lines.join('\n')
}
