import { join } from 'node:path';
import { NeuralODE } from '@odeon/neural';
import { solve } from '@odeon/ode';
import { getStandardProblem } from '@odeon/ode/problems';
import { Dataset, odeObjective, Strategy, scaledMae, train } from '@odeon/train';
import type { CliIo } from '../io.ts';
import { axisFor, renderSvg, seriesColor, timeSeriesSvg, type VegaLiteSpec } from '../plot.ts';
import { writeOutputFile } from './simulate.ts';

/** Options of the demo's training stage. */
export interface DemoTrainOptions {
  readonly outDir: string;
  /** Wall-clock budget in seconds (default 60): training stops after the step that crosses it. */
  readonly seconds?: number;
  /** Upper bound on optimiser steps (default 100 000). */
  readonly maxSteps?: number;
  readonly seed?: number;
}

export interface DemoTrainSummary {
  readonly model: string;
  readonly data: string;
  readonly steps: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  /** Scaled MAE (Kim et al. 2021) of the untrained and the trained model on the training data. */
  readonly initialScaledMae: number;
  readonly finalScaledMae: number;
  readonly files: readonly string[];
}

const SPECIES = ['y1', 'y2', 'y3'] as const;

/**
 * Stage 2 of `odeon demo`: the stiff neural ODE of Kim et al. 2021 in miniature. Data are the ROBER
 * solution at t = 0 and 30 log-spaced times in [1e-5, 1e5]; the model is dy/dt = MLP(y) ⊙ y_scale / t_scale
 * (3→[5]×6→3, GELU, equation scaling), trained on the scaled MAE with AdamW and the quadrature adjoint
 * through Rodas5P, for a wall-clock budget. Writes data-vs-model and loss-curve plots.
 */
export async function trainDemoNeuralOde(io: CliIo, options: DemoTrainOptions): Promise<DemoTrainSummary> {
  const seconds = options.seconds ?? 60;
  const maxSteps = options.maxSteps ?? 100_000;
  const rober = getStandardProblem('rober');
  const times = [0, ...Array.from({ length: 30 }, (_, k) => 10 ** (-5 + (k * 10) / 29))];
  const reference = solve(rober, {
    method: 'rodas5p',
    rtol: 1e-10,
    atol: [1e-14, 1e-18, 1e-14],
    saveAt: times,
  });
  const data = new Dataset(SPECIES, [{ name: 'rober', t: times, y: reference.y }]);
  const model = new NeuralODE({
    n: 3,
    network: { width: 5, depth: 6, activation: 'gelu', seed: options.seed ?? 1 },
    scaling: { yScale: data.yScale(), tScale: data.tScale() },
  });
  const problem = { ...model.problem({ y0: [1, 0, 0], t0: 0, t1: 1e5 }), names: [...SPECIES] };
  const solverOptions = { sensitivity: 'quadrature', method: 'rodas5p', rtol: 1e-5, atol: 1e-9 } as const;
  const objective = odeObjective(problem, data, solverOptions);
  const strategy = new Strategy().addStep({
    lr: 0.005,
    steps: maxSteps,
    loss: 'scaledMae',
    optimizer: { kind: 'adamw', weightDecay: 1e-6 },
  });
  const started = performance.now();
  const showProgress = io.isTTY;
  const result = await train(objective, model.p, strategy, {
    seed: options.seed ?? 1,
    onStep: () => (performance.now() - started) / 1000 < seconds,
    ...(showProgress
      ? {
          onProgress: (p: { step: number; loss: number; stepsPerSecond: number }) => {
            if (p.step % 10 === 0) {
              io.stderr(
                `\r  training: step ${p.step}, scaled MAE ${p.loss.toExponential(3)}, ${p.stepsPerSecond.toFixed(1)} steps/s   `,
              );
            }
          },
        }
      : {}),
  });
  if (showProgress) io.stderr('\n');
  const wallSeconds = (performance.now() - started) / 1000;
  const history = result.history;
  const initialScaledMae = history[0].loss;
  model.setParams(result.params);

  // The trained model on a fine log grid against the data (both log-log).
  const fine = Array.from({ length: 200 }, (_, k) => 10 ** (-5 + (k * 10) / 199));
  const prediction = solve(
    { ...model.problem({ y0: [1, 0, 0], t0: 0, t1: 1e5 }) },
    { method: 'rodas5p', rtol: 1e-6, atol: 1e-10, saveAt: fine },
  );
  const fitAtData = solve(
    { ...model.problem({ y0: [1, 0, 0], t0: 0, t1: 1e5 }) },
    { method: 'rodas5p', rtol: 1e-6, atol: 1e-10, saveAt: times },
  );
  const loss = scaledMae(data.yScale());
  let finalScaledMae = 0;
  for (let k = 0; k < times.length; k++) {
    for (let j = 0; j < 3; j++) {
      finalScaledMae += loss.point(fitAtData.y[k * 3 + j] - reference.y[k * 3 + j], j);
    }
  }
  finalScaledMae /= times.length * 3;

  const fitSvg = join(options.outDir, 'neural-ode-fit.svg');
  const lossSvg = join(options.outDir, 'neural-ode-loss.svg');
  const series = [
    ...SPECIES.map((name, j) => ({
      name: `${name} data`,
      t: times.slice(1),
      y: column(reference.y, 3, j, 1),
    })),
    ...SPECIES.map((name, j) => ({
      name: `${name} model`,
      t: Array.from(fine),
      y: column(prediction.y, 3, j, 0),
    })),
  ];
  writeOutputFile(io, fitSvg, await renderSvg(overlaySpec(series)));
  const steps = Float64Array.from(history, (r) => r.step);
  const losses = Float64Array.from(history, (r) => r.loss);
  writeOutputFile(
    io,
    lossSvg,
    await timeSeriesSvg(steps, losses, ['scaled MAE'], {
      title: 'Neural ODE training loss',
      logY: true,
      xLabel: 'step',
      yLabel: 'scaled MAE',
    }),
  );
  return {
    model: 'NeuralODE 3→[5]×6→3 GELU, equation scaling (Kim et al. 2021)',
    data: 'ROBER at t = 0 and 30 log-spaced times in [1e-5, 1e5]',
    steps: history.length,
    wallSeconds,
    stepsPerSecond: history.length / wallSeconds,
    initialScaledMae,
    finalScaledMae,
    files: [fitSvg, lossSvg],
  };
}

function column(y: Float64Array, n: number, j: number, skipRows: number): number[] {
  const out: number[] = [];
  for (let k = skipRows; k < y.length / n; k++) out.push(y[k * n + j]);
  return out;
}

/** Data as points and model as lines, log-log, one colour per species (a layered Vega-Lite spec). */
function overlaySpec(
  series: readonly { name: string; t: readonly number[]; y: readonly number[] }[],
): VegaLiteSpec {
  const values: { t: number; value: number; species: string; kind: string }[] = [];
  for (const s of series) {
    const [species, kind] = s.name.split(' ');
    for (let i = 0; i < s.t.length; i++) {
      if (s.t[i] > 0 && s.y[i] > 0) values.push({ t: s.t[i], value: s.y[i], species, kind });
    }
  }
  // the colours and tick labels of every other odeon plot (y1, y2, y3 as `odeon simulate` draws them)
  const encoding = {
    x: {
      field: 't',
      type: 'quantitative',
      title: 'time',
      scale: { type: 'log' },
      axis: axisFor(
        values.map((d) => d.t),
        true,
      ),
    },
    y: {
      field: 'value',
      type: 'quantitative',
      title: 'value',
      scale: { type: 'log' },
      axis: axisFor(
        values.map((d) => d.value),
        true,
      ),
    },
    color: { ...seriesColor(SPECIES), field: 'species' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'ROBER: data (points) vs trained neural ODE (lines)',
    width: 640,
    height: 360,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        transform: [{ filter: "datum.kind === 'model'" }],
        encoding,
      },
      { mark: { type: 'point', filled: true }, transform: [{ filter: "datum.kind === 'data'" }], encoding },
    ],
  };
}
