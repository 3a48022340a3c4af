// `npm run bench`: every benchmark, each printing its figures beside a baseline measured in the same run
// (ratios, not absolute thresholds: the machine's load changes absolute numbers).
import {benchForensics} from './forensics.js'
import {benchSim} from './sim.js'

for (const [name, run] of [
  ['simulator', benchSim],
  ['forensics', benchForensics],
] as const) {
  console.log(`\n== ${name} ==`)
  console.log(await run())
}
