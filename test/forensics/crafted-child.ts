// Child process for the crafted-trail suite: runs one lockdown command in-process and prints its exit
// code, stderr, stdout and this process's peak RSS, so each hostile input's memory is measured alone.
import {runCli} from '../support/cli.js'

const r = await runCli(process.argv.slice(2))
const maxRssMb = process.resourceUsage().maxRSS / 1024
process.stdout.write(`\n@@RESULT@@${JSON.stringify({code: r.code, stderr: r.stderr, stdout: r.stdout, maxRssMb})}\n`)
