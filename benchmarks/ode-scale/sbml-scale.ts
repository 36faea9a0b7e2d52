/**
 * `@odeon/sbml` at scale: the `chain` cascade of shared/peers/scale (n = 3m + 2 species, 4m + 1
 * mass-action reactions, exactly as problems-scale.json) written as SBML, then parsed, compiled and
 * simulated to t = 1000 against reference-chain-<n>.json. Prints the time of each phase (process CPU
 * time, median of `--repeats`), the solver's work and the error, for n = 500 and 2000 (compile time
 * should grow about linearly).
 *
 *   npx tsx --conditions=@odeon/source benchmarks/ode-scale/sbml-scale.ts [--sizes 500,2000] [--rtol 1e-6] [--repeats 3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, ReactionSpec } from '@odeon/sbml';
import { buildModel, compileModel, parseSbml, simulate, writeSbml } from '@odeon/sbml';
import { sharedDir } from '@odeon/testkit';

const arg = (name: string, dflt: string): string =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;
const SIZES = arg('--sizes', '500,2000').split(',').map(Number);
const RTOL = Number(arg('--rtol', '1e-6'));
const REPEATS = Number(arg('--repeats', '3'));

const KCAT = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];

/** The chain cascade with m stages as a model spec, species in the state order of problems-scale.json. */
export function chainSpec(m: number): ModelSpec {
  const species: { id: string; initial: number }[] = [];
  for (let i = 0; i < m; i++)
    species.push(
      { id: `A${i}`, initial: 1 },
      { id: `E${i}`, initial: (1 + (i % 3)) / 10 },
      { id: `C${i}`, initial: 0 },
    );
  species.push({ id: `A${m}`, initial: 0 }, { id: 'P', initial: 0 });
  const reactions: ReactionSpec[] = [];
  for (let i = 0; i < m; i++) {
    reactions.push(
      {
        id: `R1_${i}`,
        equation: `A${i} + E${i} -> C${i}`,
        rate: `kf * A${i} * E${i}`,
        parameters: { kf: 1000 * (1 + (i % 4)) },
      },
      {
        id: `R2_${i}`,
        equation: `C${i} -> A${i} + E${i}`,
        rate: `kb * C${i}`,
        parameters: { kb: 10 * (1 + (i % 3)) },
      },
      {
        id: `R3_${i}`,
        equation: `C${i} -> A${i + 1} + E${i}`,
        rate: `kcat * C${i}`,
        parameters: { kcat: KCAT[(5 * i) % 7] },
      },
      {
        id: `R4_${i}`,
        equation: `A${i + 1} -> A${i}`,
        rate: `kr * A${i + 1}`,
        parameters: { kr: (1 + (i % 5)) / 100 },
      },
    );
  }
  reactions.push({ id: 'R5', equation: `A${m} -> P`, rate: `kdeg * A${m}`, parameters: { kdeg: 1 / 10 } });
  return { id: `chain_${3 * m + 2}`, species, reactions };
}

function cpuMs<T>(f: () => T): { ms: number; value: T } {
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

interface Reference {
  times: number[];
  values: number[][];
  final: number[];
  atol_factor: number;
}

function main(): void {
  const rows: string[] = [
    '| n | reactions | SBML KB | parse ms | compile ms | simulate ms | method | steps | nfe | nje | nlu | error vs reference |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of SIZES) {
    const m = (n - 2) / 3;
    const text = writeSbml(buildModel(chainSpec(m)));
    const ref = JSON.parse(
      readFileSync(join(sharedDir(), 'peers', 'scale', `reference-chain-${n}.json`), 'utf8'),
    ) as Reference;
    const parse: number[] = [];
    const compile: number[] = [];
    const sim: number[] = [];
    let err = 0;
    let stats: Record<string, number> = {};
    for (let r = 0; r <= REPEATS; r++) {
      const a = cpuMs(() => parseSbml(text));
      const b = cpuMs(() => compileModel(a.value));
      const model = b.value;
      const c = cpuMs(() =>
        simulate(model, { t1: 1000, times: ref.times, rtol: RTOL, atol: RTOL * ref.atol_factor }),
      );
      if (r === 0) continue; // warm-up
      parse.push(a.ms);
      compile.push(b.ms);
      sim.push(c.ms);
      const tc = c.value;
      stats = { ...tc.stats };
      err = 0;
      const k = model.stateIds.length;
      for (let t = 0; t < ref.times.length; t++)
        for (let i = 0; i < k; i++) {
          const rv = ref.values[t][i];
          err = Math.max(
            err,
            Math.abs(tc.values[t * tc.names.length + i] - rv) / Math.max(Math.abs(rv), ref.atol_factor),
          );
        }
    }
    rows.push(
      `| ${n} | ${4 * m + 1} | ${(text.length / 1024).toFixed(0)} | ${median(parse).toFixed(0)} | ${median(compile).toFixed(0)} | ${median(sim).toFixed(0)} | auto | ${stats.acceptedSteps} | ${stats.rhsEvals} | ${stats.jacobianEvals} | ${stats.luFactorizations} | ${err.toExponential(2)} |`,
    );
    console.error(`n = ${n} done`);
  }
  console.log(
    `rtol ${RTOL}, atol = rtol · 1e-6; process CPU time, median of ${REPEATS} after a warm-up; Node ${process.version}\n`,
  );
  console.log(rows.join('\n'));
}

if (process.argv[1]?.endsWith('sbml-scale.ts')) main();
