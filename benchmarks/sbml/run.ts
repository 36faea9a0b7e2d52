/**
 * @odeon/sbml benchmarks.
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/sbml/run.ts [--quick]
 *
 * 1. Generated RHS vs a hand-written RHS for ROBER and POLLU written as SBML (models/*.xml, from
 *    generate-models.ts): ns per RHS evaluation (fastest round of alternating fresh processes), for the generated code
 *    and the interpreter fallback; a full Rodas5P solve with each (generated: analytic Jacobian;
 *    hand-written: ROBER's hand Jacobian, POLLU finite differences) and its error against
 *    shared/reference (max_i |y_i(tf) − ref_i| / max(|ref_i|, atol_factor)).
 * 2. Compile time (parse + flatten + differentiate + generate) and simulate time per case of the SBML
 *    Test Suite sample, with the pass/fail status under the official rule.
 * Each RHS timing runs in its own Node process, so the JIT's call-site feedback from one function does
 * not slow down another. Compare ratios measured in one run, not absolute times.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OdeProblem, solve, type Vec } from '@odeon/ode';
import {
  type CompiledModel,
  compareSuiteResults,
  compileModel,
  formatSuiteCsv,
  parseSbml,
  parseSuiteCsv,
  parseSuiteSettings,
  simulate,
  suiteSolverOptions,
} from '@odeon/sbml';
import { finalErrorVsReference, loadReference, loadSbmlSuiteIndex, sbmlSuiteDir } from '@odeon/testkit';
import { polluRhs, roberJacobian, roberRhs } from './hand-written.ts';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 7;
const here = fileURLToPath(new URL('.', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Rhs = (t: number, y: Vec, p: Vec, dy: Vec) => void;

function nsPerCall(f: Rhs, y: Vec, p: Vec, calls: number): number {
  const dy = new Float64Array(y.length);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    f(i * 1e-9, y, p, dy);
    sink += dy[0];
  }
  const ns = ((performance.now() - t0) * 1e6) / calls;
  if (Number.isNaN(sink)) console.log('');
  return ns;
}

function loadCase(name: string): {
  model: CompiledModel;
  interp: CompiledModel;
  compileMs: number;
  y: Float64Array;
  pHand: Float64Array;
} {
  const text = readFileSync(join(here, 'models', `${name}.xml`), 'utf8');
  const tc = performance.now();
  const model = compileModel(parseSbml(text));
  const compileMs = performance.now() - tc;
  const interp = compileModel(parseSbml(text), { backend: 'interpreter' });
  const ref = loadReference(name as 'rober' | 'pollu');
  const y = Float64Array.from({ length: model.n }, (_, i) => Math.abs(ref.values[10][i]) + 1e-3);
  return { model, interp, compileMs, y, pHand: Float64Array.from(Object.values(ref.params)) };
}

// Child process: time one right-hand side and print the fastest round's ns per call.
if (process.argv.includes('--measure')) {
  const at = process.argv.indexOf('--measure');
  const name = process.argv[at + 1];
  const which = process.argv[at + 2];
  const c = loadCase(name);
  const hand = name === 'rober' ? roberRhs : polluRhs;
  const [f, p, calls] =
    which === 'generated'
      ? [c.model.rhs, c.model.p, 1_000_000]
      : which === 'interpreter'
        ? [c.interp.rhs, c.interp.p, 100_000]
        : [hand, c.pHand, 1_000_000];
  nsPerCall(f, c.y, p, calls);
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) samples.push(nsPerCall(f, c.y, p, QUICK ? calls / 5 : calls));
  process.stdout.write(JSON.stringify({ ns: Math.min(...samples) }));
  process.exit(0);
}

function measureInChild(name: string, which: string): number {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--measure',
    name,
    which,
    ...(QUICK ? ['--quick'] : []),
  ];
  return (JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { ns: number }).ns;
}

console.log(
  `# @odeon/sbml benchmarks — ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${ROUNDS} rounds\n`,
);
console.log('## Generated vs hand-written right-hand sides (models written as SBML)\n');
console.log(
  '| problem | n | generated ns/RHS | interpreter ns/RHS | hand-written ns/RHS | generated / hand | max rel. diff gen vs hand | compile ms |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const solveRows: string[] = [];
for (const [name, hand, handJac] of [
  ['rober', roberRhs, roberJacobian],
  ['pollu', polluRhs, undefined],
] as const) {
  const { model, compileMs, y, pHand } = loadCase(name);
  const ref = loadReference(name);
  const a = new Float64Array(model.n);
  const b = new Float64Array(model.n);
  model.rhs(0, y, model.p, a);
  hand(0, y, pHand, b);
  let maxDiff = 0;
  for (let i = 0; i < model.n; i++)
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]) / Math.max(1e-300, Math.abs(b[i])));
  // Alternate fresh processes and keep the fastest of each (least disturbed by other load on the machine).
  let g = Number.POSITIVE_INFINITY;
  let h = Number.POSITIVE_INFINITY;
  for (let r = 0; r < (QUICK ? 1 : 3); r++) {
    g = Math.min(g, measureInChild(name, 'generated'));
    h = Math.min(h, measureInChild(name, 'hand'));
  }
  const it = measureInChild(name, 'interpreter');
  console.log(
    `| ${name} | ${model.n} | ${g.toFixed(1)} | ${it.toFixed(1)} | ${h.toFixed(1)} | ${(g / h).toFixed(2)} | ${maxDiff.toExponential(1)} | ${compileMs.toFixed(1)} |`,
  );

  // Full solves: Rodas5P at rtol 1e-8, atol = rtol · atol_factor, to the reference's final time.
  const rtol = 1e-8;
  const atol = rtol * ref.atol_factor;
  const solveOnce = (problem: OdeProblem) => {
    const t = performance.now();
    const sol = solve(problem, { method: 'rodas5p', rtol, atol, saveAt: [ref.tf] });
    return { ms: performance.now() - t, sol };
  };
  const genProblem = model.problem(ref.t0, ref.tf);
  const handProblem: OdeProblem = {
    rhs: hand,
    y0: ref.y0,
    p: pHand,
    t0: ref.t0,
    t1: ref.tf,
    ...(handJac ? { jacobian: handJac } : {}),
  };
  const gs: number[] = [];
  const hs: number[] = [];
  let last = solveOnce(genProblem);
  let lastH = solveOnce(handProblem);
  for (let r = 0; r < ROUNDS; r++) {
    last = solveOnce(genProblem);
    gs.push(last.ms);
    lastH = solveOnce(handProblem);
    hs.push(lastH.ms);
  }
  const errG = finalErrorVsReference(ref, last.sol.y.slice(-model.n));
  const errH = finalErrorVsReference(ref, lastH.sol.y.slice(-model.n));
  solveRows.push(
    `| ${name} | ${Math.min(...gs).toFixed(2)} | ${last.sol.stats.steps} | ${last.sol.stats.rhsEvals} | ${errG.toExponential(1)} | ${Math.min(...hs).toFixed(2)} | ${handJac ? 'hand' : 'finite differences'} | ${lastH.sol.stats.rhsEvals} | ${errH.toExponential(1)} | ${(Math.min(...hs) / Math.min(...gs)).toFixed(2)} |`,
  );
}
console.log('\n## Full solve (Rodas5P, rtol 1e-8, atol = rtol · atol_factor, to tf)\n');
console.log(
  '| problem | generated ms (fastest) | steps | RHS evals | error vs reference | hand-written ms (fastest) | hand Jacobian | hand RHS evals | hand error | hand / generated |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
for (const row of solveRows) console.log(row);

console.log('\n## SBML Test Suite sample: compile and simulate time per case\n');
console.log('| case | group | states | compile ms | simulate ms | RHS evals | result |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | --- |');
let totalCompile = 0;
let totalSim = 0;
let passed = 0;
const index = loadSbmlSuiteIndex();
for (const c of index.cases) {
  const dir = join(sbmlSuiteDir(), c.dir);
  const text = readFileSync(join(dir, c.sbml), 'utf8');
  const settings = parseSuiteSettings(readFileSync(join(dir, c.settingsFile), 'utf8'));
  const compileTimes: number[] = [];
  let model: CompiledModel | undefined;
  let error = '';
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    try {
      model = compileModel(parseSbml(text));
    } catch (e) {
      error = (e as { code?: string }).code ?? String(e);
    }
    compileTimes.push(performance.now() - t);
  }
  if (!model) {
    console.log(
      `| ${c.id} | ${c.group} | – | ${median(compileTimes).toFixed(2)} | – | – | refused: ${error} |`,
    );
    continue;
  }
  const amount = new Set(settings.amount);
  const conc = new Set(settings.concentration);
  const simTimes: number[] = [];
  let course: ReturnType<typeof simulate> | undefined;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    course = simulate(model, {
      ...suiteSolverOptions(settings),
      t0: settings.start,
      t1: settings.start + settings.duration,
      steps: settings.steps,
      variables: settings.variables,
      kinds: settings.variables.map((v) =>
        amount.has(v) ? 'amount' : conc.has(v) ? 'concentration' : 'auto',
      ),
    });
    simTimes.push(performance.now() - t);
  }
  const res = course as NonNullable<typeof course>;
  const cmp = compareSuiteResults(
    parseSuiteCsv(readFileSync(join(dir, c.resultsFile), 'utf8')),
    parseSuiteCsv(formatSuiteCsv(res)),
    settings.absolute,
    settings.relative,
  );
  if (cmp.pass) passed++;
  totalCompile += median(compileTimes);
  totalSim += median(simTimes);
  console.log(
    `| ${c.id} | ${c.group} | ${model.n} | ${median(compileTimes).toFixed(2)} | ${median(simTimes).toFixed(2)} | ${res.stats.rhsEvals} | ${cmp.pass ? 'pass' : 'FAIL'} |`,
  );
}
console.log(
  `\nTotal over simulated cases: compile ${totalCompile.toFixed(1)} ms, simulate ${totalSim.toFixed(1)} ms; ${passed} of ${index.caseCount} pass.`,
);
