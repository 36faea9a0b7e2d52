import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleMembers } from '@odeon/ensemble';
import { modelFromJson, type UniversalODE } from '@odeon/neural';
import { compareSuiteResults, parseSuiteCsv, parseSuiteSettings } from '@odeon/sbml';
import { sbmlSuiteDir } from '@odeon/testkit';
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.ts';
import { run } from '../main.ts';

// case 01778: a comp model whose submodel is an externalModelDefinition in external-l3v2.xml
const caseDir = () => join(sbmlSuiteDir(), 'cases', '01778');
const MODEL = '01778-sbml-l3v2.xml';

/** The case copied into models/ of a fresh folder (the CLI runs from that folder, not from models/). */
function copyCase(edit?: (xml: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'odeon-ext-'));
  const dir = join(root, 'models');
  cpSync(caseDir(), dir, { recursive: true });
  if (edit) writeFileSync(join(dir, MODEL), edit(readFileSync(join(dir, MODEL), 'utf8')));
  return root;
}

const withSource = (source: string) => (xml: string) =>
  xml.replace('comp:source="external-l3v2.xml"', `comp:source="${source}"`);

describe('odeon simulate resolves comp external model files beside the model', () => {
  it('reads external-l3v2.xml from the model’s folder and passes the suite case', async () => {
    const root = copyCase();
    const io = capture(root);
    const code = await run(
      ['simulate', join('models', MODEL), '--settings', join('models', '01778-settings.txt')],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const settings = parseSuiteSettings(readFileSync(join(caseDir(), '01778-settings.txt'), 'utf8'));
    const expected = parseSuiteCsv(readFileSync(join(caseDir(), '01778-results.csv'), 'utf8'));
    const cmp = compareSuiteResults(expected, parseSuiteCsv(io.out), settings.absolute, settings.relative);
    expect(cmp.missing).toEqual([]);
    expect(cmp.pass).toBe(true);
  });

  it('reads a file in a subfolder', async () => {
    const root = copyCase(withSource('sub/external-l3v2.xml'));
    mkdirSync(join(root, 'models', 'sub'));
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'models', 'sub', 'external-l3v2.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1', '--steps', '2'], io)).toBe(0);
  });

  it.each([
    ['a URL', 'https://example.org/external-l3v2.xml', /is a URL/],
    ['a file: URL', 'file:external-l3v2.xml', /is a URL/],
    ['a path outside the folder', '../external-l3v2.xml', /outside the model's folder/],
    ['an absolute path', '/etc/hosts', /not a relative path/],
  ])('refuses %s with UnsafeInput', async (_what, source, message) => {
    const root = copyCase(withSource(source));
    // the file exists one level up too: refusing must not depend on it being missing
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'external-l3v2.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[UnsafeInput\]/);
    expect(io.err).toMatch(message);
    expect(io.out).toBe('');
  });

  it('refuses a symbolic link that leads outside the folder', async () => {
    const root = copyCase(withSource('link.xml'));
    cpSync(join(caseDir(), 'external-l3v2.xml'), join(root, 'outside.xml'));
    symlinkSync(join(root, 'outside.xml'), join(root, 'models', 'link.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[UnsafeInput\].*links to a file outside/);
  });

  it('a missing file is an IoError naming it', async () => {
    const root = copyCase(withSource('missing.xml'));
    const io = capture(root);
    expect(await run(['simulate', join('models', MODEL), '--t1', '1'], io)).toBe(1);
    expect(io.err).toMatch(/\[IoError\].*missing\.xml/);
  });
});

// Every command that reads a model goes through loadModelFile and the same resolver. In 01778 the
// flattened model is s1' = 10·cf/s1 (s1 an amount, C = 1, cf = 10), so s1(t) = √(4 + 20·cf·t).
describe('odeon info, gradient, fit and ensemble read comp external model files beside the model', () => {
  const s1 = (cf: number, t: number) => Math.sqrt(4 + 20 * cf * t);
  const model = join('models', MODEL);

  it('info describes the flattened model', async () => {
    const io = capture(copyCase());
    expect(await run(['info', model, '--json'], io)).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.species.map((s: { id: string }) => s.id)).toEqual(['s1']);
    expect(r.compiled.stateIds).toEqual(['s1']);
    expect(r.error).toBeNull();
  });

  it('gradient matches the analytic derivatives', async () => {
    const io = capture(copyCase());
    const args = ['gradient', '--model', model, '--t1', '1', '--points', '10', '--component', 's1'];
    expect(await run([...args, '--rtol', '1e-10', '--json'], io)).toBe(0);
    const r = JSON.parse(io.out);
    const t = Array.from({ length: 10 }, (_, k) => (k + 1) / 10);
    // dL/dcf = Σ 10·t/s1(t), dL/ds1(0) = Σ 2/s1(t)
    expect(r.dp.cf).toBeAllclose(
      t.reduce((a, x) => a + (10 * x) / s1(10, x), 0),
      { rtol: 1e-6 },
    );
    expect(r.dy0.s1).toBeAllclose(
      t.reduce((a, x) => a + 2 / s1(10, x), 0),
      { rtol: 1e-6 },
    );
  });

  it.each([
    ['in process', false],
    ['on a worker thread', true],
  ])('fit recovers cf = 10 from a start of 5 (%s)', async (_where, threaded) => {
    const root = copyCase((xml) => xml.replace('id="cf" value="10"', 'id="cf" value="5"'));
    const rows = ['measurement,time,s1'];
    for (let i = 0; i <= 10; i++) rows.push(`m,${i / 10},${s1(10, i / 10)}`);
    writeFileSync(join(root, 'data.csv'), `${rows.join('\n')}\n`);
    const io = capture(root);
    const runIo = threaded ? Object.assign(io, { onInterrupt: () => () => {} }) : io;
    expect(await run(['fit', model, 'data.csv', '--params', 'cf', '--json'], runIo)).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.initialParameters.cf).toBe(5);
    expect(Math.abs(r.parameters.cf / 10 - 1)).toBeLessThan(1e-5);
  });

  it('ensemble sends the external files to its worker threads', async () => {
    const root = copyCase();
    const spec = {
      count: 6,
      seed: 3,
      t1: 1,
      steps: 4,
      rtol: 1e-10,
      atol: 1e-12,
      p: { cf: { dist: 'uniform', lower: 5, upper: 15 } },
    } as const;
    writeFileSync(join(root, 'spec.json'), JSON.stringify(spec));
    const io = capture(root);
    expect(await run(['ensemble', model, 'spec.json', '--json', '--workers', '2'], io), io.err).toBe(0);
    const r = JSON.parse(io.out);
    expect(r.status).toEqual({ success: 6, terminated: 0, failed: 0 });
    const values = sampleMembers(spec).map((m) => s1((m.p as Record<string, number>).cf, 1));
    const last = r.saveAt.length - 1;
    expect(r.mean[last * r.names.length + r.names.indexOf('s1')]).toBeAllclose(
      values.reduce((a, b) => a + b, 0) / values.length,
      { rtol: 1e-6 },
    );
  }, 120_000);

  it('train takes a universal ODE mechanism with an external file', async () => {
    const root = copyCase();
    const rows = ['measurement,time,s1'];
    for (let i = 0; i <= 10; i++) rows.push(`m,${i / 10},${s1(10, i / 10)}`);
    writeFileSync(join(root, 'data.csv'), `${rows.join('\n')}\n`);
    const config = {
      data: 'data.csv',
      model: { kind: 'universal-ode', mechanism: model, trainable: ['cf'], width: 2, depth: 1, seed: 1 },
      seed: 1,
      strategy: [{ lr: 0.01, steps: 2, loss: 'mse' }],
      output: 'model.json',
    };
    writeFileSync(join(root, 'config.json'), JSON.stringify(config));
    const io = capture(root);
    expect(await run(['train', 'config.json', '--json'], io), io.err).toBe(0);
    // the saved model is self-contained: it loads without the external file
    const saved = modelFromJson(readFileSync(join(root, 'model.json'), 'utf8')) as UniversalODE;
    expect(saved.trainable).toEqual(['cf']);
  }, 120_000);

  it.each([
    ['train', (_m: string) => ['train', 'config.json']],
    ['ensemble', (m: string) => ['ensemble', m, 'data.csv']],
    ['info', (m: string) => ['info', m]],
    ['gradient', (m: string) => ['gradient', '--model', m, '--t1', '1']],
    ['fit', (m: string) => ['fit', m, 'data.csv', '--params', 'cf']],
  ])('%s refuses a URL source with UnsafeInput', async (_cmd, args) => {
    const root = copyCase(withSource('https://example.org/external-l3v2.xml'));
    writeFileSync(join(root, 'data.csv'), 'measurement,time,s1\nm,0,2\nm,1,14.28\n');
    const mechanism = { kind: 'universal-ode', mechanism: model, width: 2, depth: 1 };
    const steps = [{ lr: 0.01, steps: 1, loss: 'mse' }];
    writeFileSync(
      join(root, 'config.json'),
      JSON.stringify({ data: 'data.csv', model: mechanism, strategy: steps, output: 'model.json' }),
    );
    const io = capture(root);
    expect(await run(args(model), io)).toBe(1);
    expect(io.err).toMatch(/\[UnsafeInput\].*is a URL/);
  });
});
