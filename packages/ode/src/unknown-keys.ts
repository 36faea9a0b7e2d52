import { OdeonError } from './errors.ts';

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (edit distance at most max(2, ⌊length/3⌋)), or undefined when none is
 * close: the "did you mean" of unknown-option errors.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}

/** `" (did you mean \"x\"?)"` for the closest candidate, or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closestName(word, candidates);
  return c === undefined ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}

/**
 * Throws `InvalidOption` for the first own key of `options` that is not in `allowed` (`where` names
 * the option bag, e.g. "solve options"), with a "did you mean" suggestion and the allowed keys. The
 * error's `option` is the key, prefixed by `path` when given (`steps[0].epochs`).
 */
export function rejectUnknownKeys(
  options: object,
  allowed: readonly string[],
  where: string,
  path?: string,
): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const shown = JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key);
    throw new OdeonError(
      'InvalidOption',
      `Unknown key ${shown} in the ${where}${didYouMean(key, allowed)}.`,
      {
        option: path === undefined ? key : `${path}.${key}`,
        allowed: allowed.join(', '),
        hint: `Known keys: ${allowed.join(', ')}.`,
      },
    );
  }
}
