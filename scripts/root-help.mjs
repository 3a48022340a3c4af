// prepack, after `oclif manifest`: writes dist/root-help.json, what bin/run.js prints `--help` and
// `--version` from without loading oclif (src/cli/root-help.ts). Run from the package root.
import {writeFileSync} from 'node:fs'

const {rootHelpData} = await import(new URL('../dist/cli/root-help-data.js', import.meta.url).href)
const {ROOT_HELP_FILE} = await import(new URL('../dist/cli/root-help.js', import.meta.url).href)
writeFileSync(ROOT_HELP_FILE, `${JSON.stringify(await rootHelpData(process.cwd()), null, 2)}\n`)
