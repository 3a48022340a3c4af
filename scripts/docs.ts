// Regenerates what is derived from the action registry: the playbook JSON Schema and the README's action
// table (between the actions markers). Tests fail when either is stale; run `npm run docs` to fix.
import {readFileSync, writeFileSync} from 'node:fs'

import {scpExampleMarkdown} from '../src/actions/revoke-org/readme-example.js'
import {actionTableMarkdown} from '../src/engine/catalog.js'
import {playbookJsonSchemaText} from '../src/engine/json-schema.js'

writeFileSync('playbooks/playbook.schema.json', playbookJsonSchemaText())
const readme = readFileSync('README.md', 'utf8')
const start = '<!-- actions:start -->'
const end = '<!-- actions:end -->'
const next = readme
  .replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${actionTableMarkdown()}\n${end}`)
  .replace(/<!-- scp-example:start -->[\s\S]*?<!-- scp-example:end -->/, `<!-- scp-example:start -->\n${scpExampleMarkdown()}\n<!-- scp-example:end -->`)
writeFileSync('README.md', next)
console.log('updated playbooks/playbook.schema.json and README.md')
