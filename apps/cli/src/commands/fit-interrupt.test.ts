import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOdeonError, type OdeonError } from '@odeon/ode';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../capture-io.ts';
import { run } from '../main.ts';
import { CLI_FROM_SOURCE, signalWhen, waitFor } from './__fixtures__/signal-child.ts';
import { prepareFit } from './fit-prepare.ts';
import { lbfgsOnThread } from './fit-thread.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const EXAMPLE = join(ROOT, 'examples/sbml-gradient-descent');
// The 24 kinetic constants of BIOMD0000000145: an L-BFGS fit of many iterations, seconds each.
const PARAMS = 'Kp,Kd,Kr,n,Kg,m,Ks,Kc1,Kc2,w,Ker,Cplc_total,k0,k1,k2,k3,k4,k5,k6,k7,k8,k9,k10,k11'.split(',');
const fitArgs = (plot: string) => [
  'fit',
  join(EXAMPLE, 'BIOMD0000000145.xml'),
  join(EXAMPLE, 'target.csv'),
  '--params',
  PARAMS.join(','),
  '--initial',
  'model',
  '--max-iterations',
  '500',
  '--json',
  '--plot',
  plot,
];

/** The checks after an interrupted fit: the summary, the best parameters and the plot are written. */
function expectInterruptedOutputs(dir: string, out: string, signal: string): void {
  const r = JSON.parse(out);
  expect(r.interrupted).toBe(signal);
  expect(r.converged).toBe(false);
  expect(r.reason).toBe('interrupted');
  expect(r.evaluations).toBeNull();
  expect(r.iterations).toBeGreaterThanOrEqual(1);
  expect(r.iterations).toBeLessThan(500);
  // the best iterate the worker reported: below the start, and the least loss of the curve
  expect(r.finalLoss).toBeLessThan(r.initialLoss);
  expect(r.finalLoss).toBe(Math.min(...r.lossCurve));
  expect(Object.keys(r.parameters)).toEqual(PARAMS);
  const best = JSON.parse(readFileSync(join(dir, 'fit.best.json'), 'utf8'));
  expect(best.parameters).toEqual(r.parameters);
  expect(best.loss).toBe(r.finalLoss);
  expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg[\s\S]*odeon fit: /);
}

describe('odeon fit (L-BFGS) stops cleanly on a signal', () => {
  it('a real process receiving SIGINT mid-fit writes the best parameters, the plot and the summary, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-sigint-'));
    // the first iterations are in: the fit is under way on its worker thread
    const { code, out, err } = await signalWhen([...CLI_FROM_SOURCE, ...fitArgs(join(dir, 'fit.svg'))], {
      cwd: ROOT,
      file: join(dir, 'fit.best.json'),
      ms: 90_000,
      signal: 'SIGINT',
    });
    expect(err).toContain('SIGINT: stopping the fit');
    expect(code).toBe(130);
    expectInterruptedOutputs(dir, out, 'SIGINT');
  }, 180_000);

  it('in process: SIGTERM stops the worker thread, the best so far is kept, exit 143', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-sigterm-'));
    let fire: ((signal: string) => void) | undefined;
    const io = Object.assign(captureIo(dir), {
      onInterrupt: (h: (signal: string) => void) => {
        fire = h;
        return () => {
          fire = undefined;
        };
      },
    });
    const done = run(fitArgs('fit.svg'), io);
    await waitFor(join(dir, 'fit.best.json'), 90_000);
    fire?.('SIGTERM');
    expect(await done).toBe(143);
    expectInterruptedOutputs(dir, io.out, 'SIGTERM');
  }, 180_000);
});

describe('odeon fit --multi-start N --workers K stops cleanly on a signal', () => {
  it('a real process receiving SIGINT mid-run stops the pool at once and writes the finished starts’ best, the plot and the summary, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-multistart-sigint-'));
    const STARTS = 8;
    const args = fitArgs(join(dir, 'fit.svg'));
    args[args.indexOf('--max-iterations') + 1] = '3';
    // the first start has finished (its best is written); the others are running or queued
    const { code, out, err } = await signalWhen(
      [...CLI_FROM_SOURCE, ...args, '--multi-start', String(STARTS), '--workers', '2'],
      { cwd: ROOT, file: join(dir, 'fit.best.json'), ms: 120_000, signal: 'SIGINT' },
    );
    expect(err).toContain('SIGINT: stopping the fit');
    expect(code).toBe(130);
    const r = JSON.parse(out);
    expect(r.interrupted).toBe('SIGINT');
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('interrupted');
    expect(r.evaluations).toBeNull();
    expect(r.starts).toBe(STARTS);
    // the pool was stopped, not waited for: some starts never finished
    expect(r.startsDone).toBeGreaterThanOrEqual(1);
    expect(r.startsDone).toBeLessThan(STARTS);
    expect(r.iterations).toBeGreaterThanOrEqual(1);
    expect(r.iterations).toBeLessThanOrEqual(3);
    // the best finished start: the least loss of the finished starts' curves
    expect(Number.isFinite(r.finalLoss)).toBe(true);
    expect(r.finalLoss).toBe(Math.min(...r.lossCurve));
    expect(Object.keys(r.parameters)).toEqual(PARAMS);
    const best = JSON.parse(readFileSync(join(dir, 'fit.best.json'), 'utf8'));
    expect(best.parameters).toEqual(r.parameters);
    expect(best.loss).toBe(r.finalLoss);
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg[\s\S]*odeon fit: /);
  }, 240_000);

  it('in process: SIGTERM before any start finished keeps the start values, writes the plot, exit 143', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-multistart-sigterm-'));
    let fire: ((signal: string) => void) | undefined;
    const io = Object.assign(captureIo(dir), {
      onInterrupt: (h: (signal: string) => void) => {
        fire = h;
        return () => {
          fire = undefined;
        };
      },
    });
    // 500 iterations of 24 parameters: no start finishes within the first moments
    const done = run([...fitArgs('fit.svg'), '--multi-start', '4', '--workers', '2'], io);
    while (fire === undefined) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
    fire('SIGTERM');
    expect(await done).toBe(143);
    const r = JSON.parse(io.out);
    expect([r.interrupted, r.reason, r.converged, r.starts]).toEqual(['SIGTERM', 'interrupted', false, 4]);
    // (a start that failed at once would count as done, with no parameters to keep)
    expect(r.startsDone).toBeLessThan(4);
    expect(r.parameters).toEqual(r.initialParameters);
    expect(r.finalLoss).toBe(r.initialLoss);
    expect(existsSync(join(dir, 'fit.best.json'))).toBe(false);
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg/);
  }, 120_000);
});

// A → B, d[A]/dt = −k A: the fit on the worker thread gives what the fit in this thread gives.
const SBML = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="decay">
    <listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.2" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;

describe('odeon fit (L-BFGS) on a worker thread', () => {
  // The built CLI (CI builds before testing) starts dist/fit-worker.js, not the TypeScript source.
  const bin = join(ROOT, 'apps/cli/bin/odeon.js');
  it.skipIf(!existsSync(join(ROOT, 'apps/cli/dist/fit-worker.js')))(
    'from the built dist: the fit runs on dist/fit-worker.js and SIGINT still exits 130 with the outputs',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-dist-'));
      const { code, out } = await signalWhen([bin, ...fitArgs(join(dir, 'fit.svg'))], {
        cwd: dir,
        file: join(dir, 'fit.best.json'),
        ms: 90_000,
        signal: 'SIGINT',
      });
      expect(code).toBe(130);
      expectInterruptedOutputs(dir, out, 'SIGINT');
    },
    180_000,
  );

  it('gives the same result as in this thread, and a model error keeps its code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-thread-'));
    writeFileSync(join(dir, 'm.xml'), SBML);
    const rows = ['measurement,time,A'];
    for (const t of [0, 1, 2, 4, 8]) rows.push(`e,${t},${Math.exp(-0.7 * t)}`);
    writeFileSync(join(dir, 'd.csv'), `${rows.join('\n')}\n`);
    const args = ['fit', 'm.xml', 'd.csv', '--params', 'k', '--json'];
    const here = captureIo(dir);
    expect(await run(args, here)).toBe(0);
    const threaded = Object.assign(captureIo(dir), { onInterrupt: () => () => {} });
    expect(await run(args, threaded)).toBe(0);
    const a = JSON.parse(here.out);
    const b = JSON.parse(threaded.out);
    expect(b.parameters.k).toBeCloseTo(0.7, 6);
    expect(b.parameters).toEqual(a.parameters);
    expect(b.standardErrors).toEqual(a.standardErrors);
    expect(b.lossCurve).toEqual(a.lossCurve);
    expect([b.iterations, b.evaluations, b.reason]).toEqual([a.iterations, a.evaluations, a.reason]);
    // an error raised in the worker comes back as the same typed error (code, message, hint)
    const settings = {
      modelPath: 'm.xml',
      dataPath: 'd.csv',
      params: ['k'],
      bounds: [],
      transform: 'auto',
      loss: 'mse',
      sensitivity: 'forward',
      initial: 'data',
      multiStart: 1,
      seed: 0,
      rtol: 1e-8,
      atol: 1e-10,
      optimizer: { kind: 'lbfgs' },
      modelFile: { path: 'm.xml', text: '<sbml', externals: [] },
      dataText: '',
    } as const;
    let local: unknown;
    try {
      prepareFit({ ...settings, bounds: new Map() });
    } catch (e) {
      local = e;
    }
    expect(isOdeonError(local)).toBe(true);
    const remote = await lbfgsOnThread({ settings, maxIterations: 5 }, captureIo(dir), () => {}).catch(
      (e: unknown) => e,
    );
    expect(isOdeonError(remote)).toBe(true);
    const [l, r] = [local as OdeonError, remote as OdeonError];
    expect([r.code, r.message, r.context.hint]).toEqual([l.code, l.message, l.context.hint]);
  }, 120_000);
});
