import type { OdeProblem } from '@odeon/ode';
import { OdeonError } from '@odeon/ode';
import { compileModel, problemWithEvents } from '@odeon/sbml';
import { type FitOptions, type FitParameter, parseCsv } from '@odeon/train';
import { parseModelFile } from '../model-file.ts';
import { requireModelValues } from '../model-values.ts';
import type { FitSettings } from './fit-config.ts';

function usage(message: string, option: string): OdeonError {
  return new OdeonError('UsageError', message, { option, hint: 'See `odeon fit --help`.' });
}

/** What a fit needs, built from its settings (shared by `runFit` and the parallel multi-start tasks). */
export interface PreparedFit {
  readonly model: ReturnType<typeof compileModel>;
  readonly problem: OdeProblem;
  readonly data: ReturnType<typeof parseCsv>;
  readonly fitOptions: FitOptions;
}

/** Validates the fitted ids and bounds against the model and builds the problem, data and fit options. */
export function prepareFit(s: FitSettings): PreparedFit {
  const model0 = compileModel(parseModelFile(s.modelFile));
  const ids = s.params === 'all' ? [...model0.paramIds] : [...s.params];
  for (const id of ids) {
    if (!model0.paramIds.includes(id)) {
      const known = model0.paramIds.slice(0, 20).join(', ');
      throw usage(
        `The model has no parameter ${JSON.stringify(id.slice(0, 60))}. Parameters: ${known}${model0.paramIds.length > 20 ? ', ...' : ''}.`,
        'params',
      );
    }
  }
  for (const id of s.bounds.keys()) {
    if (!ids.includes(id))
      throw usage(
        `The bounds name ${JSON.stringify(id.slice(0, 60))}, which is not a fitted parameter.`,
        'bounds',
      );
  }
  const model = compileModel(parseModelFile(s.modelFile), { sensitivities: ids });
  const data = parseCsv(s.dataText);
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (const m of data.measurements) {
    t0 = Math.min(t0, m.t[0]);
    t1 = Math.max(t1, m.t[m.t.length - 1]);
  }
  requireModelValues(model, t0, s.modelPath, { states: s.initial === 'model' });
  if (!(t1 > t0)) t1 = t0 + 1;
  // the model's events and piecewise switches go into every solve and gradient of the fit
  const problem: OdeProblem = { ...problemWithEvents(model, t0, t1), names: model.stateIds };
  const parameters: FitParameter[] = ids.map((name) => {
    const b = s.bounds.get(name);
    if (b !== undefined) return { name, ...b };
    const v = model.p[model.paramIds.indexOf(name)];
    // Kinetic parameters are positive: a log transform keeps them so and searches over decades.
    if (s.transform === 'log' || (s.transform === 'auto' && v > 0)) return { name, lower: 0 };
    return { name, transform: 'none' };
  });
  const fitOptions: FitOptions = {
    parameterNames: model.paramIds,
    parameters,
    loss: s.loss === 'sqrtSumOfSquares' ? 'mse' : s.loss,
    sensitivity: s.sensitivity,
    initialConditions: s.initial,
    multiStart: s.multiStart,
    seed: s.seed,
    rtol: s.rtol,
    atol: s.atol,
    ...(s.method !== undefined ? { method: s.method } : {}),
  };
  return { model, problem, data, fitOptions };
}
