import { invalidOption } from '@odeon/ode';
import { Rng } from '@odeon/train';
import type { EnsembleMember } from './member.ts';

/** How one parameter or initial value is drawn. */
export type Distribution =
  | { readonly dist: 'fixed'; readonly value: number }
  | { readonly dist: 'uniform'; readonly lower: number; readonly upper: number }
  | { readonly dist: 'loguniform'; readonly lower: number; readonly upper: number }
  | { readonly dist: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly sigma: number }
  | { readonly dist: 'choice'; readonly values: readonly number[] };

/**
 * Random members: member k draws from its own stream `Rng.derive(seed, k)` (names in sorted order,
 * parameters before initial values), so member k is the same whatever the count, order or worker.
 */
export interface SamplingSpec {
  readonly count: number;
  readonly seed?: number;
  readonly p?: Readonly<Record<string, Distribution>>;
  readonly y0?: Readonly<Record<string, Distribution>>;
}

/** A full factorial scan: every combination of the listed values (the last name varies fastest). */
export interface GridSpec {
  readonly grid: {
    readonly p?: Readonly<Record<string, readonly number[]>>;
    readonly y0?: Readonly<Record<string, readonly number[]>>;
  };
}

const MAX_MEMBERS = 10_000_000;

/** The members described by a sampling or grid spec (validated; typed errors name the element). */
export function sampleMembers(spec: SamplingSpec | GridSpec): EnsembleMember[] {
  if (spec !== null && typeof spec === 'object' && 'grid' in spec) return gridMembers(spec);
  const s = spec as SamplingSpec;
  if (!Number.isInteger(s.count) || s.count < 1 || s.count > MAX_MEMBERS)
    throw invalidOption('count', s.count, `an integer in [1, ${MAX_MEMBERS}]`);
  const seed = s.seed ?? 0;
  const pDists: Readonly<Record<string, Distribution>> = s.p ?? {};
  const yDists: Readonly<Record<string, Distribution>> = s.y0 ?? {};
  const pNames = Object.keys(pDists).sort();
  const yNames = Object.keys(yDists).sort();
  for (const name of pNames) checkDistribution(`p.${name}`, pDists[name]);
  for (const name of yNames) checkDistribution(`y0.${name}`, yDists[name]);
  const members: EnsembleMember[] = [];
  for (let k = 0; k < s.count; k++) {
    const rng = Rng.derive(seed, k);
    const p: Record<string, number> = {};
    const y0: Record<string, number> = {};
    for (const name of pNames) p[name] = draw(rng, pDists[name]);
    for (const name of yNames) y0[name] = draw(rng, yDists[name]);
    members.push({ ...(pNames.length > 0 ? { p } : {}), ...(yNames.length > 0 ? { y0 } : {}) });
  }
  return members;
}

function gridMembers(spec: GridSpec): EnsembleMember[] {
  const axes: { kind: 'p' | 'y0'; name: string; values: readonly number[] }[] = [];
  for (const kind of ['p', 'y0'] as const) {
    for (const [name, values] of Object.entries(spec.grid[kind] ?? {})) {
      if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite))
        throw invalidOption(`grid.${kind}.${name}`, values, 'a non-empty list of finite numbers');
      axes.push({ kind, name, values });
    }
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (axes.length === 0 || total > MAX_MEMBERS)
    throw invalidOption('grid', total, `1 to ${MAX_MEMBERS} combinations of at least one listed value`);
  const members: EnsembleMember[] = [];
  for (let k = 0; k < total; k++) {
    const p: Record<string, number> = {};
    const y0: Record<string, number> = {};
    let rest = k;
    for (let a = axes.length - 1; a >= 0; a--) {
      const axis = axes[a];
      (axis.kind === 'p' ? p : y0)[axis.name] = axis.values[rest % axis.values.length];
      rest = Math.floor(rest / axis.values.length);
    }
    members.push({
      ...(Object.keys(p).length > 0 ? { p } : {}),
      ...(Object.keys(y0).length > 0 ? { y0 } : {}),
    });
  }
  return members;
}

function checkDistribution(name: string, d: Distribution | undefined): void {
  const finite = (...xs: unknown[]) => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
  const ok =
    d !== null &&
    typeof d === 'object' &&
    ((d.dist === 'fixed' && finite(d.value)) ||
      (d.dist === 'uniform' && finite(d.lower, d.upper) && d.lower < d.upper) ||
      (d.dist === 'loguniform' && finite(d.lower, d.upper) && d.lower > 0 && d.lower < d.upper) ||
      (d.dist === 'normal' && finite(d.mean, d.sd) && d.sd >= 0) ||
      (d.dist === 'lognormal' && finite(d.median, d.sigma) && d.median > 0 && d.sigma >= 0) ||
      (d.dist === 'choice' && Array.isArray(d.values) && d.values.length > 0 && finite(...d.values)));
  if (!ok)
    throw invalidOption(
      name,
      d,
      '{dist:"fixed",value} | {dist:"uniform"|"loguniform",lower,upper} (lower < upper, > 0 for loguniform) | {dist:"normal",mean,sd} | {dist:"lognormal",median,sigma} | {dist:"choice",values}',
    );
}

function draw(rng: Rng, d: Distribution): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.lower + (d.upper - d.lower) * rng.uniform();
    case 'loguniform':
      return Math.exp(Math.log(d.lower) + (Math.log(d.upper) - Math.log(d.lower)) * rng.uniform());
    case 'normal':
      return d.mean + d.sd * rng.normal();
    case 'lognormal':
      return d.median * Math.exp(d.sigma * rng.normal());
    case 'choice':
      return d.values[rng.int(d.values.length)];
  }
}
