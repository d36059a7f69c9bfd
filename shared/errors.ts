/**
 * One error type per failure kind. Each message names what a person must fix: the file, row and
 * field of bad input, the key of bad configuration. The CLI prints `message` alone and exits 2;
 * the HTTP API maps these to 4xx.
 */

/** Input data that breaks the lake contract: names the file (or source), the row and the field. */
export class InputError extends Error {
  override name = 'InputError';
  readonly source: string;
  readonly row: number | undefined;
  readonly field: string | undefined;
  /** What is wrong, without the source, row and field (for a caller that names them its own way). */
  readonly problem: string;

  constructor(source: string, problem: string, where: { row?: number; field?: string } = {}) {
    const at = [where.row === undefined ? '' : `row ${where.row}`, where.field ? `field ${where.field}` : '']
      .filter(Boolean)
      .join(', ');
    super(`${source}${at ? `: ${at}` : ''}: ${problem}`);
    this.source = source;
    this.row = where.row;
    this.field = where.field;
    this.problem = problem;
  }
}

/** Configuration that cannot be used: names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`config ${key}: ${problem}`);
    this.key = key;
  }
}

/** A command-line call that cannot be understood (unknown flag, missing value). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A port a local server was asked to listen on is taken. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** A day the job cannot judge: before the lake's first day, or not over yet in Seoul. */
export class OutOfRangeError extends Error {
  override name = 'OutOfRangeError';
}

/** A metrics engine (Athena, DuckDB) that failed to answer: names the query and the engine's reason. */
export class MetricsQueryError extends Error {
  override name = 'MetricsQueryError';
}

/** Why a store could not answer: what the gate's fail-safe answers, logs and metrics carry. */
export const STORE_FAILURES = ['timeout', 'throttled', 'store_error'] as const;
export type StoreFailure = (typeof STORE_FAILURES)[number];

/** A store (DynamoDB) that failed or did not answer in time. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly failure: StoreFailure;

  constructor(message: string, options: ErrorOptions & { failure?: StoreFailure } = {}) {
    super(message, options);
    this.failure = options.failure ?? 'store_error';
  }
}
