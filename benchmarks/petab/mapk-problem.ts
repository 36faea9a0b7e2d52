/**
 * A MAPK problem built on BIOMD0000000009 (22 states, 3 conditions, 120 points; initial
 * concentrations estimated through the condition table), for the PEtab benchmarks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PetabProblem, readProblem } from '@odeon/petab';
import { sharedDir } from '@odeon/testkit';

export function mapkProblem(): PetabProblem {
  const sbml = readFileSync(join(sharedDir(), 'biomodels', 'BIOMD0000000009.xml'), 'utf8');
  const totals = ['E2', 'KKK', 'KK', 'K', 'KPase', 'KKPase'];
  const times = Array.from({ length: 20 }, (_, i) => 5 * (i + 1));
  const meas = ['observableId\tsimulationConditionId\ttime\tmeasurement'];
  for (const c of ['low', 'mid', 'high'])
    for (const t of times) for (const o of ['obs_K_PP', 'obs_KK_PP']) meas.push(`${o}\t${c}\t${t}\t0.5`);
  const files: Record<string, string> = {
    'model.xml': sbml,
    'conditions.tsv': `conditionId\tE1\t${totals.join('\t')}\nlow\t1e-5\t${totals.map((s) => `${s}_0`).join('\t')}\nmid\t3e-5\t${totals.map((s) => `${s}_0`).join('\t')}\nhigh\t1e-4\t${totals.map((s) => `${s}_0`).join('\t')}\n`,
    'observables.tsv':
      'observableId\tobservableFormula\tobservableTransformation\tnoiseFormula\nobs_K_PP\ts_K * PP_K / (K + P_K + PP_K + 1e-6)\tlin\t0.05\nobs_KK_PP\ts_KK * PP_KK\tlin\t0.1\n',
    'measurements.tsv': `${meas.join('\n')}\n`,
    'parameters.tsv': [
      'parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate',
      'E2_0\tlog10\t1e-5\t1e-2\t3e-4\t1',
      'KKK_0\tlog10\t1e-4\t1e-1\t3e-3\t1',
      'KK_0\tlog10\t1e-2\t10\t1.2\t1',
      'K_0\tlog10\t1e-2\t10\t1.2\t1',
      'KPase_0\tlog10\t1e-3\t1\t0.12\t1',
      'KKPase_0\tlog10\t1e-5\t1e-2\t3e-4\t1',
      's_K\tlog10\t0.1\t10\t1\t1',
      's_KK\tlog10\t0.1\t10\t1\t1',
    ].join('\n'),
    'problem.yaml':
      'format_version: 1\nparameter_file: parameters.tsv\nproblems:\n- sbml_files: [model.xml]\n  condition_files: [conditions.tsv]\n  measurement_files: [measurements.tsv]\n  observable_files: [observables.tsv]\n',
  };
  return readProblem(files['problem.yaml'], (n) => files[n] as string, 'mapk.yaml');
}
