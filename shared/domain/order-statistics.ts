/**
 * Order statistics, in one place: medians, quantiles and sorted sliding windows over typed arrays.
 * The seed rules and the alert policy call them for every channel-day, so they sort in place into
 * scratch buffers and never allocate per call.
 */

/**
 * Median of the first `n` values of a scratch buffer (reordered in place): insertion sort for the
 * short weekday windows, quickselect otherwise; a sort per day was most of a run's time.
 */
export function median(buffer: Float64Array, n: number): number {
  if (n === 0) return Number.NaN;
  if (n <= 16) return smallMedian(buffer, n);
  const mid = n >> 1;
  const upper = select(buffer, n, mid);
  if (n % 2) return upper;
  // The lower middle is the largest value left of `mid` after the selection.
  let lower = buffer[0]!;
  for (let a = 1; a < mid; a++) if (buffer[a]! > lower) lower = buffer[a]!;
  return (lower + upper) / 2;
}

/** The `k`-th smallest of the first `n` values (Wirth's selection); partitions in place. */
export function select(buffer: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = buffer[k]!;
    let a = left;
    let b = right;
    do {
      while (buffer[a]! < pivot) a++;
      while (pivot < buffer[b]!) b--;
      if (a <= b) {
        const t = buffer[a]!;
        buffer[a] = buffer[b]!;
        buffer[b] = t;
        a++;
        b--;
      }
    } while (a <= b);
    if (b < k) left = a;
    if (k < a) right = b;
  }
  return buffer[k]!;
}

/** Median of the first seven values: a fixed network of 13 compare-exchanges, no branches to mispredict. */
export function median7(v: Float64Array): number {
  let p0 = v[0]!;
  let p1 = v[1]!;
  let p2 = v[2]!;
  let p3 = v[3]!;
  let p4 = v[4]!;
  let p5 = v[5]!;
  let p6 = v[6]!;
  let t: number;
  t = Math.min(p0, p5);
  p5 = Math.max(p0, p5);
  p0 = t;
  t = Math.min(p0, p3);
  p3 = Math.max(p0, p3);
  p0 = t;
  t = Math.min(p1, p6);
  p6 = Math.max(p1, p6);
  p1 = t;
  t = Math.min(p2, p4);
  p4 = Math.max(p2, p4);
  p2 = t;
  t = Math.min(p0, p1);
  p1 = Math.max(p0, p1);
  p0 = t;
  t = Math.min(p3, p5);
  p5 = Math.max(p3, p5);
  p3 = t;
  t = Math.min(p2, p6);
  p6 = Math.max(p2, p6);
  p2 = t;
  t = Math.min(p2, p3);
  p3 = Math.max(p2, p3);
  p2 = t;
  t = Math.min(p3, p6);
  p6 = Math.max(p3, p6);
  p3 = t;
  t = Math.min(p4, p5);
  p5 = Math.max(p4, p5);
  p4 = t;
  t = Math.min(p1, p4);
  p4 = Math.max(p1, p4);
  p1 = t;
  t = Math.min(p1, p3);
  p3 = Math.max(p1, p3);
  p1 = t;
  t = Math.min(p3, p4);
  return t;
}

/** Median of the first `n` values, sorted in place (a handful). */
export function smallMedian(v: Float64Array, n: number): number {
  for (let a = 1; a < n; a++) {
    const x = v[a]!;
    let b = a - 1;
    while (b >= 0 && v[b]! > x) {
      v[b + 1] = v[b]!;
      b--;
    }
    v[b + 1] = x;
  }
  return sortedMedian(v, n);
}

/** Median of the first `n` values of an already sorted buffer. */
export function sortedMedian(sorted: Float64Array, n: number): number {
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Inserts `x` into the sorted first `n` values (the buffer has room for one more). */
export function insertSorted(sorted: Float64Array, n: number, x: number): void {
  let b = n - 1;
  while (b >= 0 && sorted[b]! > x) {
    sorted[b + 1] = sorted[b]!;
    b--;
  }
  sorted[b + 1] = x;
}

/** Removes one `x` (present) from the sorted first `n` values. */
export function removeSorted(sorted: Float64Array, n: number, x: number): void {
  let a = 0;
  while (a < n && sorted[a] !== x) a++;
  for (; a < n - 1; a++) sorted[a] = sorted[a + 1]!;
}

/** Linear interpolation between order statistics (numpy's default): h = (n-1)p. */
export function quantileSorted(sorted: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, n - 1);
  const lo = sorted[below]!;
  return lo + (sorted[above]! - lo) * (h - below);
}

/** The defined values of the last `length` days, kept sorted (insert/remove by binary search). */
export class SortedWindow {
  length: number;
  n = 0;
  values: Float64Array;

  constructor(length: number) {
    this.length = length;
    this.values = new Float64Array(length);
  }

  reset(length: number): void {
    this.length = length;
    this.n = 0;
    if (this.values.length < length) this.values = new Float64Array(length);
  }

  slide(x: Float64Array, i: number, start: number): void {
    const old = i - this.length;
    if (old >= start) {
      const gone = x[old]!;
      if (!Number.isNaN(gone)) this.remove(gone);
    }
    const value = x[i]!;
    if (!Number.isNaN(value)) this.insert(value);
  }

  private insert(value: number): void {
    const values = this.values;
    const at = this.lowerBound(value);
    for (let k = this.n; k > at; k--) values[k] = values[k - 1]!;
    values[at] = value;
    this.n++;
  }

  private remove(value: number): void {
    const values = this.values;
    const at = this.lowerBound(value);
    for (let k = at; k < this.n - 1; k++) values[k] = values[k + 1]!;
    this.n--;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Median of |v - median| over a sorted window: deviations merged outward from the median, O(n). */
let deviations = new Float64Array(32);

export function medianAbsoluteDeviation(sorted: Float64Array, n: number, median: number): number {
  if (deviations.length < n) deviations = new Float64Array(n);
  let right = 0;
  while (right < n && sorted[right]! < median) right++;
  let left = right - 1;
  for (let k = 0; k < n; k++) {
    const toLeft = left >= 0 ? median - sorted[left]! : Number.POSITIVE_INFINITY;
    const toRight = right < n ? sorted[right]! - median : Number.POSITIVE_INFINITY;
    if (toLeft <= toRight) {
      deviations[k] = toLeft;
      left--;
    } else {
      deviations[k] = toRight;
      right++;
    }
  }
  return quantileSorted(deviations, n, 0.5);
}
