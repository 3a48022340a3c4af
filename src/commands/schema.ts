import {Flags} from '@oclif/core'
import {writeFile} from 'node:fs/promises'

import {BaseCommand} from '../cli/base-command.js'
import {playbookJsonSchema, playbookJsonSchemaText} from '../engine/json-schema.js'

export default class Schema extends BaseCommand<typeof Schema> {
  static override summary = 'Print the playbook JSON Schema (for editors: yaml-language-server).'
  static override examples = ['<%= config.bin %> schema > playbook.schema.json', '<%= config.bin %> schema --write playbooks/playbook.schema.json']
  static override flags = {write: Flags.string({description: 'Write the schema to this file instead of printing it.'})}

  async run() {
    if (this.flags.write) {
      await writeFile(this.flags.write, playbookJsonSchemaText())
      this.say(`wrote ${this.flags.write}`)
    } else this.say(playbookJsonSchemaText().trimEnd())
    return playbookJsonSchema()
  }
}
