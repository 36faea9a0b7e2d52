import { tsvFormat } from 'd3-dsv';
import type { PetabProblem } from './problem.ts';
import type { PetabValue } from './tables.ts';

function overrideText(values: readonly PetabValue[]): string {
  return values.map((v) => (v.kind === 'number' ? String(v.value) : v.id)).join(';');
}

/**
 * PEtab's simulation table: the measurement table's rows with `simulation` in place of `measurement`
 * (as TSV text), in measurement-table order; PEtab 2 problems get PEtab 2's columns (`experimentId`).
 */
export function formatSimulationTable(problem: PetabProblem, simulations: ArrayLike<number>): string {
  if (problem.formatVersion === 2) {
    const rows = problem.measurements.map((m, i) => ({
      observableId: m.observableId,
      experimentId: m.experimentId ?? '',
      time: Number.isFinite(m.time) ? String(m.time) : 'inf',
      simulation: String(simulations[i]),
      observableParameters: overrideText(m.observableParameters),
      noiseParameters: overrideText(m.noiseParameters),
    }));
    return `${tsvFormat(rows)}\n`;
  }
  const rows = problem.measurements.map((m, i) => ({
    observableId: m.observableId,
    preequilibrationConditionId: m.preequilibrationConditionId,
    simulationConditionId: m.simulationConditionId,
    time: Number.isFinite(m.time) ? String(m.time) : 'inf',
    simulation: String(simulations[i]),
    observableParameters: overrideText(m.observableParameters),
    noiseParameters: overrideText(m.noiseParameters),
    datasetId: m.datasetId ?? '',
    replicateId: m.replicateId ?? '',
  }));
  return `${tsvFormat(rows)}\n`;
}
