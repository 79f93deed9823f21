import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, in ms) of one process, from /proc; undefined where /proc is missing. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (100 Hz)
  } catch {
    return undefined;
  }
}

/** CPU time of every `postgres` process on the machine (all databases: other work shows up here too). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += processCpuMs(Number(entry)) ?? 0;
  }
  return total;
}

/** Busy and total CPU time of the whole machine (ms, all cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
}

export interface CpuSample {
  /** process.hrtime.bigint() when taken. */
  at: bigint;
  api?: number;
  postgres: number;
  machine: { busy: number; total: number };
  self: number;
}

export function sampleCpu(apiPid: number | undefined): CpuSample {
  const usage = process.cpuUsage();
  return {
    at: process.hrtime.bigint(),
    api: apiPid === undefined ? undefined : processCpuMs(apiPid),
    postgres: postgresCpuMs(),
    machine: machineCpuMs(),
    self: (usage.user + usage.system) / 1000,
  };
}

/** Cores used on average between two samples, per consumer. */
export interface CpuUse {
  apiCores?: number;
  postgresCores: number;
  loadGeneratorCores: number;
  /** Busy share of the whole machine (0..1). */
  machineBusy: number;
}

export function cpuBetween(before: CpuSample, after: CpuSample, seconds: number): CpuUse {
  const wall = seconds * 1000;
  return {
    apiCores:
      before.api === undefined || after.api === undefined ? undefined : (after.api - before.api) / wall,
    postgresCores: (after.postgres - before.postgres) / wall,
    loadGeneratorCores: (after.self - before.self) / wall,
    machineBusy:
      (after.machine.busy - before.machine.busy) / Math.max(after.machine.total - before.machine.total, 1),
  };
}
