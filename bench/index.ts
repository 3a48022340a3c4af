// `npm run bench`: every benchmark, each printing its figures beside a baseline measured in the same run
// (ratios, not absolute thresholds: the machine's load changes absolute numbers). Start-up and revoke run
// the packed and installed lockdown (what `npm install -g aws-lockdown` gives), not the checkout.
// `npm run bench -- revoke start-up` runs only the sections named (in the order below); none = all but the
// extras (forensics-memory: the forensics section's memory-per-session figure alone, to iterate on it).
import {packAndInstall, type Installed} from '../scripts/pack-install.js'
import {benchAthena} from './athena.js'
import {benchForensics, benchForensicsMemory} from './forensics.js'
import {benchOrgRevoke} from './org-revoke.js'
import {benchRevoke} from './revoke.js'
import {benchS3} from './s3.js'
import {benchScpRevoke} from './scp-revoke.js'
import {benchSim} from './sim.js'
import {benchStartup} from './startup.js'

interface Section {
  name: string
  /** Runs the installed package (packing takes a while: done once, only when a chosen section needs it). */
  installed?: boolean
  /** Only when named: a part of another section, measured alone. */
  extra?: boolean
  run(installed?: Installed): Promise<string>
}

const SECTIONS: Section[] = [
  {name: 'start-up', installed: true, run: (i) => benchStartup(i!)},
  {name: 'revoke', installed: true, run: (i) => benchRevoke({lockdown: i!.bin})},
  {name: 'org-revoke', installed: true, run: (i) => benchOrgRevoke({lockdown: i!.bin})},
  {name: 'scp-revoke', installed: true, run: (i) => benchScpRevoke({lockdown: i!.bin})},
  {name: 'simulator', run: benchSim},
  {name: 'forensics', run: benchForensics},
  {name: 'forensics-memory', extra: true, run: benchForensicsMemory},
  {name: 'athena', run: benchAthena},
  {name: 's3', run: benchS3},
]

const asked = process.argv.slice(2).filter((a) => a !== '--')
const unknown = asked.filter((a) => !SECTIONS.some((s) => s.name === a))
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; the sections are: ${SECTIONS.map((s) => s.name).join(', ')}`)
  console.error(`run e.g.: npm run bench -- ${SECTIONS[0]!.name}`)
  process.exit(2)
}
const chosen = asked.length ? SECTIONS.filter((s) => asked.includes(s.name)) : SECTIONS.filter((s) => !s.extra)
const installed = chosen.some((s) => s.installed) ? await packAndInstall() : undefined
try {
  for (const section of chosen) {
    console.log(`\n== ${section.name} ==`)
    console.log(await section.run(installed))
  }
} finally {
  installed?.cleanup()
}
