import http from 'node:http';

import { cpuBetween, CpuSample, CpuUse, sampleCpu } from './cpu';

/** One request a load run sends; built fresh for every request so bodies and URLs can vary. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
}

export interface LoadOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:3100. */
  baseUrl: string;
  headers: Record<string, string>;
  /** Concurrent keep-alive connections, each with one request in flight. */
  connections: number;
  /** Measured seconds (after warm-up). */
  durationSec: number;
  /** Unmeasured seconds first (JIT, plan caches, connection set-up). */
  warmupSec?: number;
  /** Unmeasured requests first (for runs whose requests use up seeded data, instead of warmupSec). */
  warmupRequests?: number;
  /** Stop after this many measured requests, whatever the time. */
  maxRequests?: number;
  /** Builds request number `i` (0-based over the whole run, warm-up included); undefined: no more requests. */
  next: (i: number) => RequestSpec | undefined;
  /** Status codes that count as success. */
  expectStatus: readonly number[];
  /** The API's process id, to report its CPU use during the measured window. */
  apiPid?: number;
}

export interface LoadResult {
  requests: number;
  /** Every answered request, warm-up included. */
  answered: number;
  errors: number;
  /** Status code -> count, for the failures. */
  errorStatuses: Record<string, number>;
  firstError?: string;
  seconds: number;
  rps: number;
  /** Latencies in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Average cores busy during the measured window. */
  cpu: CpuUse;
}

/**
 * A closed-loop load generator: `connections` workers, each sending its next request as soon
 * as the previous answer arrived, over keep-alive sockets. Latency is measured per request with
 * a monotonic clock (microsecond resolution; autocannon's histogram only resolves whole ms).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let firstError: string | undefined;
  let errors = 0;
  let answered = 0;
  let counter = 0;
  let exhausted = false;

  const warmupNs = BigInt(Math.round((options.warmupSec ?? 0) * 1e9));
  const start = process.hrtime.bigint();
  const measureFrom = start + warmupNs;
  const stopAt = measureFrom + BigInt(Math.round(options.durationSec * 1e9));
  let measuredEnd = measureFrom;
  let cpuStart: CpuSample = sampleCpu(options.apiPid);
  const cpuTimer = setTimeout(() => (cpuStart = sampleCpu(options.apiPid)), Number(warmupNs / 1_000_000n));

  const worker = async () => {
    for (;;) {
      const now = process.hrtime.bigint();
      if (now >= stopAt || exhausted) return;
      if (options.maxRequests !== undefined && latencies.length + errors >= options.maxRequests) return;
      const index = counter++;
      const spec = options.next(index);
      if (!spec) {
        exhausted = true;
        return;
      }
      const sent = process.hrtime.bigint();
      const { status, text } = await send(url, agent, options.headers, spec);
      const done = process.hrtime.bigint();
      answered++;
      // Measured: answered inside the window (a slow request sent during warm-up still counts,
      // or requests slower than the whole run would leave nothing to report).
      if (done < measureFrom || index < (options.warmupRequests ?? 0)) continue;
      if (done > measuredEnd) measuredEnd = done;
      if (options.expectStatus.includes(status)) {
        latencies.push(Number(done - sent) / 1e6);
      } else {
        errors++;
        errorStatuses[String(status)] = (errorStatuses[String(status)] ?? 0) + 1;
        firstError ??= `${spec.method} ${spec.path} -> ${status} ${text.slice(0, 300)}`;
      }
    }
  };

  await Promise.all(Array.from({ length: options.connections }, () => worker()));
  clearTimeout(cpuTimer);
  const cpuEnd = sampleCpu(options.apiPid);
  const cpuSeconds = Math.max(Number(cpuEnd.at - cpuStart.at) / 1e9, 1e-3);
  agent.destroy();
  const seconds = Math.max(Number(measuredEnd - measureFrom) / 1e9, 1e-9);
  latencies.sort((a, b) => a - b);
  const sum = latencies.reduce((total, value) => total + value, 0);
  return {
    requests: latencies.length,
    answered,
    errors,
    errorStatuses,
    firstError,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    mean: latencies.length ? sum / latencies.length : Number.NaN,
    cpu: cpuBetween(cpuStart, cpuEnd, cpuSeconds),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(Math.max(rank, 0), sorted.length - 1)];
}

function send(
  url: URL,
  agent: http.Agent,
  headers: Record<string, string>,
  spec: RequestSpec,
): Promise<{ status: number; text: string }> {
  const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: spec.method,
        path: spec.path,
        agent,
        headers: {
          ...headers,
          ...(payload && { 'content-type': 'application/scim+json', 'content-length': payload.length }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (error) => resolve({ status: 0, text: String(error) }));
      },
    );
    request.on('error', (error) => resolve({ status: 0, text: String(error) }));
    request.end(payload);
  });
}
