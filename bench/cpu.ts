// Where a CPU-bound run's time went: the CPU the bench's own process used (the in-process simulator) and
// the CPU its finished child processes used (the lockdown CLI), over one measured window. On a machine
// with few cores their sum over the core count is a floor no scheduling can beat: a speed goal below it
// needs less CPU a call, not more parallelism.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {availableParallelism} from 'node:os'

/** Clock ticks a second, for /proc's times (100 on Linux unless configured otherwise). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU seconds of this process's waited-for children (cutime + cstime in /proc/self/stat, fields 16 and
 * 17). Undefined where /proc is absent: the line then says so rather than printing a zero.
 */
function childrenSeconds(): number | undefined {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) / TICKS
  } catch {
    return undefined
  }
}

export interface CpuWindow {
  /** CPU seconds of this process (every thread) and of the children that ended in the window. */
  stop(): {self: number; children?: number; cores: number}
}

export function cpuWindow(): CpuWindow {
  const self0 = process.cpuUsage()
  const children0 = childrenSeconds()
  return {
    stop() {
      const self = process.cpuUsage(self0)
      const children1 = childrenSeconds()
      return {
        self: (self.user + self.system) / 1e6,
        children: children0 === undefined || children1 === undefined ? undefined : children1 - children0,
        cores: availableParallelism(),
      }
    },
  }
}
