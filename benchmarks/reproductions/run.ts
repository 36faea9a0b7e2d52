/**
 * Epoch time of each example's own training setup (examples/<name>/config.json: its network,
 * integrator, gradient method and loss), next to the torchdiffeq peer's neural-ODE epoch
 * (../shared/peers/results.json, `neural_ode`). One epoch = solve + loss + gradient + optimiser
 * step, full batch. Each config runs `--steps` steps (default 200) through `odeon train` in
 * process, starting from the example's initial network, so the figure is the epoch time early in
 * training (stiff models get slower as they learn the chemistry: see examples/rober/README.md).
 *
 * The peer's ROBER epoch is dopri5 on the same scaled 3-5×6-3 GELU network with scaled MSE; ours
 * is the reproduction's Rodas5P + quadrature adjoint with scaled MAE, so the rows compare the
 * setups each tool would be used with, not identical computations. The like-for-like comparison
 * (same integrator, same loss) is benchmarks/train/epoch-time.ts.
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/reproductions/run.ts [--steps 200]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliIo, run } from '@odeon/cli';
import { sharedDir } from '@odeon/testkit';

const args = process.argv.slice(2);
const stepsArg = args.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 200;
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'odeon-reproductions-'));

interface PeerRun {
  readonly status: string;
  readonly median_epoch_s: number;
  readonly median_nfe_forward: number;
  readonly median_nfe_backward: number;
}
const peers = JSON.parse(readFileSync(join(sharedDir(), 'peers', 'results.json'), 'utf8')) as {
  neural_ode: { problems: Record<string, Record<string, PeerRun>> };
};

const CONFIGS: readonly { readonly config: string; readonly peer?: string }[] = [
  { config: 'rober/config.json', peer: 'rober' },
  { config: 'pollu/config.json' },
  { config: 'temporal-dropout/config-baseline.json', peer: 'lotka' },
  { config: 'universal-ode/config.json' },
];

function shortConfig(config: string, steps: number): string {
  const path = join(examples, config);
  const dir = resolve(path, '..');
  const c = JSON.parse(readFileSync(path, 'utf8'));
  c.data = resolve(dir, c.data);
  if (typeof c.model?.mechanism === 'string') c.model.mechanism = resolve(dir, c.model.mechanism);
  c.strategy = [{ ...c.strategy[0], steps }];
  delete c.validation;
  delete c.output;
  const out = join(tmp, config.replaceAll('/', '-'));
  writeFileSync(out, JSON.stringify(c));
  return out;
}

const rows: string[][] = [];
for (const { config, peer } of CONFIGS) {
  let out = '';
  const io: CliIo = {
    isTTY: false,
    cwd: tmp,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => process.stderr.write(t),
  };
  const cfg = JSON.parse(readFileSync(join(examples, config), 'utf8'));
  const code = await run(['train', shortConfig(config, STEPS), '--json', '--out', join(tmp, 'm.json')], io);
  if (code !== 0) {
    rows.push([config, 'failed', '', '', '']);
    continue;
  }
  const r = JSON.parse(out);
  // wallSeconds includes the final evaluation of scaledMae and mse (two solves): negligible at 200 steps.
  const ms = (1000 * r.wallSeconds) / r.steps;
  const p = peer ? peers.neural_ode.problems[peer] : undefined;
  const fmt = (x: PeerRun | undefined) =>
    x && x.status === 'ok'
      ? `${(1000 * x.median_epoch_s).toFixed(1)} (NFE ${x.median_nfe_forward}+${x.median_nfe_backward})`
      : '–';
  rows.push([
    config,
    `${cfg.method ?? 'rodas5p'} + ${cfg.sensitivity ?? 'discrete'}, ${r.parameters} params`,
    ms.toFixed(1),
    fmt(p?.odeint),
    fmt(p?.odeint_adjoint),
  ]);
}

const header = [
  'example',
  'setup',
  'Odeon ms/epoch',
  'torchdiffeq odeint ms',
  'torchdiffeq odeint_adjoint ms',
];
console.log(
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${STEPS} steps per config\n`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
