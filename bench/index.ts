// `npm run bench`: every benchmark, each printing its figures beside a baseline measured in the same run
// (ratios, not absolute thresholds: the machine's load changes absolute numbers). Start-up and revoke run
// the packed and installed lockdown (what `npm install -g aws-lockdown` gives), not the checkout.
import {packAndInstall} from '../scripts/pack-install.js'
import {benchForensics} from './forensics.js'
import {benchRevoke} from './revoke.js'
import {benchSim} from './sim.js'
import {benchStartup} from './startup.js'

const installed = await packAndInstall()
try {
  for (const [name, run] of [
    ['start-up', () => benchStartup(installed)],
    ['revoke', () => benchRevoke({lockdown: installed.bin})],
    ['simulator', benchSim],
    ['forensics', benchForensics],
  ] as const) {
    console.log(`\n== ${name} ==`)
    console.log(await run())
  }
} finally {
  installed.cleanup()
}
