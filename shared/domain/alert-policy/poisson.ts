/**
 * Poisson tails, for counts too small for the log scale's normal approximation: zero sends on a day
 * that expects 4 is chance, on one that expects 15 it is not.
 */

/** Above this mean the tails of any change worth paging are far below any threshold: not computed. */
const LARGE_MEAN = 500;

/** log(k!) for k below 64, tabled once; Stirling's series above (exact to 1e-10 there). */
const LOG_FACTORIAL = new Float64Array(64);
for (let k = 2; k < 64; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1]! + Math.log(k);

function logFactorial(k: number): number {
  if (k < 64) return LOG_FACTORIAL[k]!;
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k);
}

const logPmf = (k: number, mean: number) => k * Math.log(mean) - mean - logFactorial(k);

/** P(X <= k) for X ~ Poisson(mean); 0 for a large mean (the caller's other checks decide). */
export function poissonLowerTail(k: number, mean: number): number {
  if (!(k >= 0) || !Number.isFinite(mean)) return 1;
  if (mean <= 0) return 1;
  if (mean > LARGE_MEAN) return 0;
  let sum = 0;
  // The terms grow up to the mode: summed from k down, they stop mattering quickly.
  for (let j = Math.floor(k); j >= 0; j--) {
    const term = Math.exp(logPmf(j, mean));
    sum += term;
    if (j < mean && term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

/** P(X >= k) for X ~ Poisson(mean); 0 for a large mean. */
export function poissonUpperTail(k: number, mean: number): number {
  if (!Number.isFinite(k) || !Number.isFinite(mean)) return 1;
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  if (mean > LARGE_MEAN) return 0;
  let sum = 0;
  // Past the mode the terms fall at least geometrically: a few hundred of them at most.
  for (let j = Math.ceil(k); j < k + 10 * mean + 1000; j++) {
    const term = Math.exp(logPmf(j, mean));
    sum += term;
    if (j > mean && term <= sum * 1e-12) break;
  }
  return Math.min(1, sum);
}
