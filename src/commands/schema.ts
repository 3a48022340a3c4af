import {Flags} from '@oclif/core'
import {writeFile} from 'node:fs/promises'
import {pathToFileURL} from 'node:url'

import {BaseCommand} from '../cli/base-command.js'
import {playbookJsonSchema, playbookJsonSchemaText} from '../engine/json-schema.js'
import {SHIPPED_SCHEMA} from '../playbook/shipped.js'

export default class Schema extends BaseCommand<typeof Schema> {
  static override summary = 'Print the playbook JSON Schema (for editors: yaml-language-server).'
  static override examples = [
    '<%= config.bin %> schema --path   # the installed schema and the line that points an editor at it',
    '<%= config.bin %> schema > playbook.schema.json',
    '<%= config.bin %> schema --write playbooks/playbook.schema.json',
  ]
  static override flags = {
    write: Flags.string({description: 'Write the schema to this file instead of printing it.'}),
    path: Flags.boolean({description: 'Print where the installed schema file is and the yaml-language-server line to put at the top of a playbook.', default: false}),
  }

  async run() {
    if (this.flags.path) {
      // The schema ships with the package: an editor pointed at this file stays in step with the installed version.
      const modeline = `# yaml-language-server: $schema=${pathToFileURL(SHIPPED_SCHEMA).href}`
      this.say(`${SHIPPED_SCHEMA}\n\nFirst line of a playbook, for editors with the YAML language server (VS Code: the Red Hat YAML extension):\n${modeline}`)
      return {schema: SHIPPED_SCHEMA, modeline}
    }
    if (this.flags.write) {
      await writeFile(this.flags.write, playbookJsonSchemaText())
      this.say(`wrote ${this.flags.write}`)
    } else this.say(playbookJsonSchemaText().trimEnd())
    return playbookJsonSchema()
  }
}
