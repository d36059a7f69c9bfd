import { StoreUnavailableError } from '#shared/errors.ts';

/**
 * The gate's promise to its callers: an answer within its deadline whatever the store does. A
 * decision (or a batch) gets one deadline; every store call under it gives up when it passes.
 */

export function asStoreError(error: unknown): StoreUnavailableError {
  return error instanceof StoreUnavailableError
    ? error
    : new StoreUnavailableError(String(error), { cause: error });
}

/** A deadline cleared as soon as the work ends (AbortSignal.timeout would leave a timer per decision). */
export function deadline(ms: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new StoreUnavailableError('gate store: deadline passed', { failure: 'timeout' })),
    ms,
  );
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

/** One rejection per deadline, shared by every call under it (a batch makes ~600): one listener, not 600. */
const expiries = new WeakMap<AbortSignal, Promise<never>>();

function expiryOf(signal: AbortSignal): Promise<never> {
  let expiry = expiries.get(signal);
  if (!expiry) {
    expiry = new Promise<never>((_, reject) =>
      signal.addEventListener(
        'abort',
        () =>
          reject(
            new StoreUnavailableError('gate store: no answer before the deadline', { failure: 'timeout' }),
          ),
        { once: true },
      ),
    );
    expiry.catch(() => {});
    expiries.set(signal, expiry);
  }
  return expiry;
}

/** Rejects with `StoreUnavailableError` once `signal` aborts, whatever `work` does. */
export function withDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(new StoreUnavailableError('gate store: deadline passed', { failure: 'timeout' }));
  }
  const settled = work.then(undefined, (error: unknown) => {
    throw asStoreError(error);
  });
  // Past the deadline the work's own failure, if it ever comes, is no one's concern.
  settled.catch(() => {});
  return Promise.race([settled, expiryOf(signal)]);
}
