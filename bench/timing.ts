import { performance } from 'node:perf_hooks';

/** One timed pass over the file. */
export interface Sample {
  ms: number;
  bytes: number;
  rows?: number;
}

export interface Throughput {
  runs: number;
  /** Fastest run: the least disturbed by other work on a shared 2-core machine. */
  bestMs: number;
  medianMs: number;
  /** MB/s (10⁶ bytes) of the fastest run. */
  mbPerS: number;
  medianMbPerS: number;
  rowsPerS?: number;
  samplesMs: number[];
}

export const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
};

export const summarize = (samples: readonly Sample[]): Throughput => {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const bestMs = sorted[0] ?? Number.NaN;
  const medianMs = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  const bytes = samples[0]?.bytes ?? 0;
  const rows = samples[0]?.rows;
  return {
    runs: samples.length,
    bestMs,
    medianMs,
    mbPerS: bytes / 1e3 / bestMs,
    medianMbPerS: bytes / 1e3 / medianMs,
    ...(rows === undefined ? {} : { rowsPerS: (rows * 1000) / bestMs }),
    samplesMs: samples.map((s) => s.ms),
  };
};
