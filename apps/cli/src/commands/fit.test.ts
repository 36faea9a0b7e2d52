import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

// A → B → C, mass action, unit compartment: d[A]/dt = −k1 A, d[B]/dt = k1 A − k2 B.
const SBML = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="abc">
    <listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
      <species id="C" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k1" value="0.2" constant="true"/>
      <parameter id="k2" value="1" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k1</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
      <reaction id="r2" reversible="false">
        <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="C" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k2</ci><ci>B</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;

/** Analytic A→B→C data (k1 = 0.7, k2 = 0.25), two experiments; B only observed in the first. */
function csv(): string {
  const k1 = 0.7;
  const k2 = 0.25;
  const rows = ['measurement,time,A,B,C'];
  for (const [name, a0, times] of [
    ['e1', 1, [0, 1, 2, 4, 6, 8, 12, 16, 20]],
    ['e2', 2, [0, 0.5, 3, 7, 15]],
  ] as const) {
    for (const t of times) {
      const a = a0 * Math.exp(-k1 * t);
      const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
      rows.push(`${name},${t},${a},${name === 'e1' ? b : ''},${a0 - a - b}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-'));
  writeFileSync(join(dir, 'abc.xml'), SBML);
  writeFileSync(join(dir, 'data.csv'), csv());
  return dir;
}

describe('odeon fit convergence is scale-free', () => {
  it('SBML suite case 00001 (S1 ≈ 1.5e-4): exact data for k1 = 1.3 recovers k1 and says converged', async () => {
    // S1 → S2 at rate k1·S1 in a unit compartment, S1(0) = 1.5e-4; the model's own k1 = 1 is the start.
    const model = join(sharedDir(), 'sbml-suite', 'cases', '00001', '00001-sbml-l3v2.xml');
    const rows = ['measurement,time,S1,S2'];
    for (let i = 0; i <= 50; i++) {
      const t = i / 10;
      const s1 = 1.5e-4 * Math.exp(-1.3 * t);
      rows.push(`m,${t},${s1},${1.5e-4 - s1}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-00001-'));
    writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
    const io = capture(dir);
    expect(await run(['fit', model, 'data.csv', '--params', 'k1', '--json'], io)).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.parameters.k1 / 1.3 - 1)).toBeLessThan(1e-6);
    expect(r.finalLoss).toBeLessThan(1e-12 * r.initialLoss);
  });

  it('starting at the exact parameters (data from k1 = 1): not "converged", and the text says why', async () => {
    const model = join(sharedDir(), 'sbml-suite', 'cases', '00001', '00001-sbml-l3v2.xml');
    const rows = ['measurement,time,S1,S2'];
    for (let i = 0; i <= 50; i++) {
      const s1 = 1.5e-4 * Math.exp(-i / 10);
      rows.push(`m,${i / 10},${s1},${1.5e-4 - s1}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'odeon-fit-00001-exact-'));
    writeFileSync(join(dir, 'data.csv'), `${rows.join('\n')}\n`);
    const io = capture(dir);
    expect(await run(['fit', model, 'data.csv', '--params', 'k1'], io)).toBe(0);
    expect(io.out).toMatch(/k1 = 1\.0000000/);
    // the loss is at the integration error from the start: no step lowers it, which is said plainly
    expect(io.out).toContain('NOT converged (lineSearchFailed)');
    expect(io.out).toContain('the fit may be at the accuracy of the ODE solution');
  });
});

describe('odeon fit', () => {
  it('--help documents the command and exits 0', async () => {
    const io = capture(process.cwd());
    expect(await run(['fit', '--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: odeon fit');
    expect(io.out).toContain('--params');
    expect(io.out).toContain('--json');
  });

  it('recovers k1, k2 of an SBML model from CSV data (--json) and writes a plot', async () => {
    const dir = workdir();
    const io = capture(dir);
    const code = await run(
      [
        'fit',
        'abc.xml',
        'data.csv',
        '--params',
        'k1,k2',
        '--bounds',
        'k1=1e-3:10',
        '--plot',
        'fit.svg',
        '--json',
      ],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.parameters.k1).toBeCloseTo(0.7, 5);
    expect(r.parameters.k2).toBeCloseTo(0.25, 5);
    expect(r.initialParameters).toEqual({ k1: 0.2, k2: 1 });
    // Exact data: the residual variance, hence the standard errors, are ~0.
    expect(r.standardErrors.k1).toBeLessThan(1e-5);
    expect(r.finalLoss).toBeLessThan(1e-12);
    expect(r.initialLoss).toBeGreaterThan(1e-3);
    expect(r.converged).toBe(true);
    expect(typeof r.wallSeconds).toBe('number');
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('prints a readable summary without --json', async () => {
    const dir = workdir();
    const io = capture(dir);
    expect(await run(['fit', 'abc.xml', 'data.csv', '--params', 'k1,k2'], io)).toBe(0);
    expect(io.out).toMatch(/k1 = 0\.7000/);
    expect(io.out).toMatch(/converged/);
  });

  it('reports usage errors with exit code 2', async () => {
    const dir = workdir();
    for (const args of [
      ['fit', 'abc.xml', 'data.csv'],
      ['fit', 'abc.xml', 'data.csv', '--params', 'k9'],
      ['fit', 'abc.xml', 'data.csv', '--params', 'k1', '--bounds', 'k1=5:1'],
      ['fit', 'abc.xml', 'data.csv', '--params', 'k1', '--loss', 'huber'],
      ['fit', 'abc.xml', 'data.csv', '--params', 'k1', '--multi-start', '0'],
    ]) {
      const io = capture(dir);
      expect(await run(args, io)).toBe(2);
      expect(io.err).toMatch(/odeon: error \[(UsageError|InvalidOption)\]/);
    }
  });

  it('names the row and column of a malformed CSV (exit 1)', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'bad.csv'), 'measurement,time,A,B,C\ne1,0,1,0,0\ne1,1,x,0,0\n');
    const io = capture(dir);
    expect(await run(['fit', 'abc.xml', 'bad.csv', '--params', 'k1'], io)).toBe(1);
    expect(io.err).toMatch(/DatasetError.*row 3, column "A"/);
  });
});

/** A config in `<dir>/cfg/fit.json` whose model and data paths are relative to it (`../abc.xml`). */
function writeConfig(dir: string, config: Record<string, unknown>): string {
  mkdirSync(join(dir, 'cfg'), { recursive: true });
  const path = join(dir, 'cfg', 'fit.json');
  writeFileSync(path, JSON.stringify({ model: '../abc.xml', data: '../data.csv', ...config }));
  return path;
}

/** Σ of squared residuals of the analytic A→B→C solution at (k1, k2) against csv() (observed cells only). */
function analyticSumOfSquares(k1: number, k2: number): number {
  let s = 0;
  const lines = csv().trim().split('\n').slice(1);
  for (const line of lines) {
    const [name, ts, ...cells] = line.split(',');
    const t = Number(ts);
    const a0 = name === 'e1' ? 1 : 2;
    const a = a0 * Math.exp(-k1 * t);
    const b = ((a0 * k1) / (k2 - k1)) * (Math.exp(-k1 * t) - Math.exp(-k2 * t));
    const model = [a, b, a0 - a - b];
    cells.forEach((c, j) => {
      if (c !== '') s += (model[j] - Number(c)) ** 2;
    });
  }
  return s;
}

describe('odeon fit config.json', () => {
  it('runs an L-BFGS config (paths relative to the config), recovers k1, k2 and writes --plot', async () => {
    const dir = workdir();
    const config = writeConfig(dir, {
      params: ['k1', 'k2'],
      bounds: { k1: { lower: 1e-3, upper: 10 } },
      optimizer: { kind: 'lbfgs', maxIterations: 200 },
    });
    const io = capture(tmpdir());
    expect(await run(['fit', config, '--json', '--plot', join(dir, 'fit.svg')], io)).toBe(0);
    expect(io.err).toBe('');
    const r = JSON.parse(io.out);
    expect(r.parameters.k1).toBeCloseTo(0.7, 5);
    expect(r.parameters.k2).toBeCloseTo(0.25, 5);
    expect(r.optimizer).toBe('lbfgs');
    expect(r.config).toBe(config);
    expect(Object.keys(r).slice(-3)).toEqual(['initialLoss', 'finalLoss', 'wallSeconds']);
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('Ctrl-C (SIGINT) during a first-order fit stops it with the best parameters so far and the plot', async () => {
    const dir = workdir();
    const config = writeConfig(dir, { params: 'all', optimizer: { kind: 'adam', lr: 0.05, steps: 10_000 } });
    const io = Object.assign(capture(dir), {
      // the signal arrives 300 ms into the fit
      onInterrupt: (h: (signal: string) => void) => {
        const timer = setTimeout(() => h('SIGINT'), 300);
        return () => clearTimeout(timer);
      },
    });
    // 130 = 128 + SIGINT, as a shell reports an interrupted command; the summary is still printed
    expect(await run(['fit', config, '--json', '--plot', 'fit.svg'], io)).toBe(130);
    const r = JSON.parse(io.out);
    expect(r.interrupted).toBe('SIGINT');
    expect(r.reason).toBe('interrupted');
    expect(r.iterations).toBeLessThan(10_000);
    expect(r.finalLoss).toBe(Math.min(...r.lossCurve));
    expect(readFileSync(join(dir, 'fit.svg'), 'utf8')).toMatch(/^<svg/);
    const best = JSON.parse(readFileSync(join(dir, 'fit.best.json'), 'utf8'));
    expect(Object.keys(best.parameters)).toEqual(['k1', 'k2']);
  });

  it('sqrtSumOfSquares is sqrt(Σ r²) of the analytic solution; Adam lowers it', async () => {
    const dir = workdir();
    const config = writeConfig(dir, {
      params: 'all',
      loss: 'sqrtSumOfSquares',
      optimizer: { kind: 'adam', lr: 0.05, steps: 20 },
      rtol: 1e-10,
      atol: 1e-12,
    });
    const io = capture(dir);
    expect(await run(['fit', config, '--json'], io)).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.initialLoss).toBeCloseTo(Math.sqrt(analyticSumOfSquares(0.2, 1)), 6);
    expect(r.finalLoss).toBeCloseTo(Math.sqrt(analyticSumOfSquares(r.parameters.k1, r.parameters.k2)), 6);
    expect(r.finalLoss).toBeLessThan(0.5 * r.initialLoss);
    expect(r.lossCurve).toHaveLength(21);
    expect(r.reason).toBe('steps');
    expect(r.iterations).toBe(20);
  });

  it('"transform": "none" steps raw values: Adam\'s first step moves each parameter by lr', async () => {
    const dir = workdir();
    for (const [transform, expected] of [
      ['none', (v: number, v0: number) => Math.abs(v - v0)],
      ['log', (v: number, v0: number) => Math.abs(Math.log(v / v0))],
    ] as const) {
      const config = writeConfig(dir, {
        params: ['k1', 'k2'],
        transform,
        optimizer: { kind: 'adam', lr: 0.01, steps: 1 },
      });
      const io = capture(dir);
      expect(await run(['fit', config, '--json'], io)).toBe(0);
      const r = JSON.parse(io.out);
      // Adam's bias-corrected first step is lr·g/(|g| + ε) = lr·sign(g), in the optimised coordinate.
      expect(expected(r.parameters.k1, 0.2)).toBeCloseTo(0.01, 6);
      expect(expected(r.parameters.k2, 1)).toBeCloseTo(0.01, 6);
    }
  });

  it('rejects bad configs with the element at fault', async () => {
    const dir = workdir();
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ params: ['k1'], lr: 0.1 }, 2, /unknown key "lr"/],
      [{ params: ['k1'], optimizer: { kind: 'adam', lr: 0.1 } }, 2, /needs `lr` and `steps`/],
      [
        { params: ['k1'], optimizer: { kind: 'adam', lr: 0.1, steps: 5, momentum: 1 } },
        2,
        /unknown key "momentum" in `optimizer`/,
      ],
      [{ params: ['k1'], optimizer: { kind: 'newton' } }, 2, /optimizer.kind/],
      [{ params: [] }, 2, /`params` must be a non-empty list/],
      [{ params: ['k9'] }, 2, /no parameter "k9"/],
      [{ params: ['k1'], bounds: { k1: { lower: 5, upper: 1 } } }, 2, /lower < upper/],
      [{ params: ['k1'], bounds: { k2: { lower: 0, upper: 1 } } }, 2, /not a fitted parameter/],
      [{ params: ['k1'], loss: 'huber' }, 2, /`loss` must be one of/],
      [{ params: ['k1'], multiStart: 3, optimizer: { kind: 'adam', lr: 0.1, steps: 5 } }, 2, /multiStart/],
      [{ params: ['k1'], data: '../missing.csv' }, 1, /IoError.*Cannot read the data file "..\/missing.csv"/],
    ];
    for (const [config, code, message] of cases) {
      const io = capture(dir);
      expect(await run(['fit', writeConfig(dir, config)], io)).toBe(code);
      expect(io.err).toMatch(message);
    }
    const missing = capture(dir);
    expect(await run(['fit', 'nope.json'], missing)).toBe(1);
    expect(missing.err).toMatch(/IoError.*fit config "nope.json"/);
    writeFileSync(join(dir, 'broken.json'), '{ "model": ');
    const broken = capture(dir);
    expect(await run(['fit', 'broken.json'], broken)).toBe(2);
    expect(broken.err).toMatch(/not valid JSON/);
  });

  it('refuses model options beside a config file', async () => {
    const dir = workdir();
    const io = capture(dir);
    expect(await run(['fit', writeConfig(dir, { params: ['k1'] }), '--params', 'k2'], io)).toBe(2);
    expect(io.err).toMatch(/--params cannot be combined with a config file/);
  });
});
