import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { Logger as LoggerPort } from '../ports/logger';

const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 99 } as const;
type Level = keyof typeof LEVELS;

const levelFrom = (value: string | undefined): Level => {
  const upper = value?.toUpperCase();
  return upper && upper in LEVELS ? (upper as Level) : 'INFO';
};

interface Invocation {
  /** The Lambda context's fields. */
  context: Record<string, unknown>;
  /** Appended keys. */
  keys: Record<string, unknown>;
}

/**
 * A structured JSON logger with the fields of Powertools' (level, message, timestamp, service, cold_start,
 * function_name, function_request_id, xray_trace_id, plus appended keys) in under a kilobyte: Powertools'
 * logger alone is 24 KB of every bundle. One JSON object per line, which CloudWatch Logs Insights parses.
 */
export class JsonLogger implements LoggerPort {
  /** The invocation of this process: Lambda runs one at a time. */
  private readonly process: Invocation = { context: {}, keys: {} };
  /** Invocations run side by side in one process (the local platform), each with its own fields. */
  private readonly isolated = new AsyncLocalStorage<Invocation>();
  private coldStart = true;

  constructor(
    private readonly service: string,
    /** Read when logging, so a process can change LOG_LEVEL after start (the local runtime, the benchmark). */
    private readonly threshold: () => Level,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  debug(message: string, ...extra: unknown[]) {
    this.log('DEBUG', message, extra);
  }
  info(message: string, ...extra: unknown[]) {
    this.log('INFO', message, extra);
  }
  warn(message: string, ...extra: unknown[]) {
    this.log('WARN', message, extra);
  }
  error(message: string, ...extra: unknown[]) {
    this.log('ERROR', message, extra);
  }

  /** Keys added to every line until the next invocation starts. */
  appendKeys(keys: Record<string, unknown>) {
    Object.assign(this.current().keys, keys);
  }

  /** Called once per invocation: records the Lambda context and drops the previous invocation's keys. */
  startInvocation(context: Context) {
    const invocation = this.current();
    invocation.keys = {};
    invocation.context = {
      cold_start: this.coldStart,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      xray_trace_id: process.env._X_AMZN_TRACE_ID,
    };
    this.coldStart = false;
  }

  /**
   * Runs one invocation with fields of its own: what the local platform does for every handler it invokes,
   * since there many run at once in one process and would otherwise log each other's keys. Lines logged
   * outside any (the platform's own) carry no invocation's fields.
   */
  isolate<T>(invocation: () => Promise<T>): Promise<T> {
    return this.isolated.run({ context: {}, keys: {} }, invocation);
  }

  private current(): Invocation {
    return this.isolated.getStore() ?? this.process;
  }

  private log(level: Level, message: string, extra: unknown[]) {
    if (LEVELS[level] < LEVELS[this.threshold()]) return;
    const fields: Record<string, unknown> = {};
    for (const item of extra) {
      if (item instanceof Error) fields.error = { name: item.name, message: item.message, stack: item.stack };
      else if (typeof item === 'object' && item !== null) Object.assign(fields, item);
    }
    const { context, keys } = this.current();
    this.write(
      JSON.stringify({
        level,
        message,
        timestamp: new Date().toISOString(),
        service: this.service,
        ...context,
        ...keys,
        ...fields,
      }),
    );
  }
}

/** A logger configured by SERVICE_NAME and LOG_LEVEL. */
export const createLogger = () =>
  new JsonLogger(process.env.SERVICE_NAME ?? 'data-mesh', () => levelFrom(process.env.LOG_LEVEL));

/** One logger per function instance: the handlers'. */
export const logger = createLogger();
