import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cpuBetween, sampleCpu } from './cpu';
import { LoadResult } from './load';

/**
 * Closed-loop load from wrk (Debian's package): C and LuaJIT use about a third of the CPU the
 * Node generator in load.ts does per request, and on this 2-core machine every core the load
 * generator takes is taken from the API and PostgreSQL under test. Same model as load.ts:
 * `connections` keep-alive connections, each sending its next request when the answer arrives.
 */
export interface WrkOptions {
  baseUrl: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** Lua that defines `request()` (and may use the thread's `tid`, 1-based, and `phase`). */
  script: string;
  apiPid?: number;
}

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Lua string literal. */
export const luaString = (text: string) => JSON.stringify(text);

export async function runWrk(options: WrkOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-wrk-'));
  try {
    const warmup =
      options.warmupSec > 0 ? await wrkOnce(options, dir, 'warmup', options.warmupSec) : undefined;
    const before = sampleCpu(options.apiPid);
    const measured = await wrkOnce(options, dir, 'measured', options.durationSec);
    const after = sampleCpu(options.apiPid);
    const seconds = measured.durationUs / 1e6;
    const ok = measured.requests - measured.non2xx;
    const errors = measured.non2xx + measured.socketErrors;
    const cpu = cpuBetween(before, after, Number(after.at - before.at) / 1e9);
    cpu.loadGeneratorCores = measured.cpuMs / (Number(after.at - before.at) / 1e6);
    return {
      requests: ok,
      // Warm-up included, as in load.ts (database work per request is counted over both).
      answered: (warmup?.requests ?? 0) + measured.requests,
      errors,
      errorStatuses: errors > 0 ? { 'non-2xx or socket error': errors } : {},
      firstError: errors > 0 ? `${errors} requests failed (wrk counts, without bodies)` : undefined,
      seconds,
      rps: ok / seconds,
      p50: measured.p50 / 1000,
      p90: measured.p90 / 1000,
      p99: measured.p99 / 1000,
      max: measured.max / 1000,
      mean: measured.mean / 1000,
      cpu,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  non2xx: number;
  socketErrors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** CPU time wrk used (user + system), from the shell that waited for it. */
  cpuMs: number;
}

async function wrkOnce(
  options: WrkOptions,
  dir: string,
  phase: string,
  seconds: number,
): Promise<WrkSummary> {
  const scriptPath = join(dir, `${phase}.lua`);
  writeFileSync(scriptPath, luaScript(options.script, phase));
  const threads = Math.min(2, options.connections);
  const args = [
    '-t',
    String(threads),
    '-c',
    String(options.connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    scriptPath,
    options.baseUrl,
  ];
  // The shell prints its own /proc stat after wrk ends: cutime + cstime are wrk's CPU.
  const shell = `wrk "$@"; status=$?; echo "SHELL_STAT $(cat /proc/$$/stat)"; exit $status`;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', shell, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`wrk exited ${code}: ${stderr || stdout}`)),
    );
  });
  const resultLine = output.split('\n').find((line) => line.startsWith('WRK_RESULT '));
  const statLine = output.split('\n').find((line) => line.startsWith('SHELL_STAT '));
  if (!resultLine || !statLine) throw new Error(`unexpected wrk output:\n${output}`);
  const result = JSON.parse(resultLine.slice('WRK_RESULT '.length)) as Omit<WrkSummary, 'cpuMs'>;
  const stat = statLine.slice('SHELL_STAT '.length);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, 100 Hz
  return { ...result, cpuMs };
}

function luaScript(body: string, phase: string): string {
  return `
local threadCount = 0
function setup(thread)
  threadCount = threadCount + 1
  thread:set("tid", threadCount)
end
phase = ${luaString(phase)}
function init(args)
  math.randomseed(os.time() * 1000 + tid)
end
${body}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;
}
