import { isOdeonError } from '@odeon/ode';
import { compileModel, describeModel, type ModelSummary } from '@odeon/sbml';
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { type CliIo, writeJson } from '../io.ts';
import { loadModelFile } from '../model-file.ts';

/** What `odeon info` reports: the model summary plus the compiled system's size or why it cannot compile. */
export interface InfoResult extends ModelSummary {
  readonly file: string;
  readonly compiled: {
    readonly states: number;
    readonly parameters: number;
    readonly stateIds: readonly string[];
  } | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export function modelInfo(path: string, io: CliIo): InfoResult {
  const { model } = loadModelFile(io, path);
  const summary = describeModel(model);
  try {
    const c = compileModel(model, { backend: 'interpreter' });
    return {
      file: path,
      ...summary,
      compiled: { states: c.n, parameters: c.np, stateIds: c.stateIds },
      error: null,
    };
  } catch (error) {
    if (!isOdeonError(error)) throw error;
    return { file: path, ...summary, compiled: null, error: { code: error.code, message: error.message } };
  }
}

function printInfo(r: InfoResult, io: CliIo): void {
  const lines: string[] = [];
  lines.push(
    `${r.file}: SBML Level ${r.level} Version ${r.version}${r.id ? `, model ${r.id}` : ''}${r.name && r.name !== r.id ? ` (${r.name})` : ''}`,
  );
  lines.push(
    `compartments (${r.compartments.length}): ${r.compartments.map((c) => `${c.id}=${c.size}${c.constant ? '' : ' (varying)'}`).join(', ') || '-'}`,
  );
  lines.push(`species (${r.species.length}):`);
  for (const s of r.species)
    lines.push(
      `  ${s.id} in ${s.compartment}: initial ${s.initialIs} ${s.initial}${s.hasOnlySubstanceUnits ? ', amount-valued' : ''}${s.boundaryCondition ? ', boundary' : ''}${s.constant ? ', constant' : ''}`,
    );
  lines.push(
    `parameters (${r.parameters.length}): ${r.parameters.map((p) => `${p.id}=${p.value}${p.constant ? '' : '*'}`).join(', ') || '-'}`,
  );
  lines.push(`reactions (${r.reactions.length}):`);
  for (const x of r.reactions)
    lines.push(
      `  ${x.id}: ${x.equation}${x.localParameters ? ` [${x.localParameters} local parameters]` : ''}`,
    );
  lines.push(`function definitions (${r.functions.length}): ${r.functions.join(', ') || '-'}`);
  lines.push(
    `rules (${r.rules.length}): ${r.rules.map((x) => `${x.kind}${x.variable ? ` ${x.variable}` : ''}`).join(', ') || '-'}`,
  );
  lines.push(
    `initial assignments (${r.initialAssignments.length}): ${r.initialAssignments.join(', ') || '-'}`,
  );
  lines.push(
    `events (${r.events.length}): ${r.events.map((e) => `${e.id} → ${e.assignments.join(', ')}${e.delayed ? ' (delayed)' : ''}`).join('; ') || '-'}`,
  );
  if (r.unsupported.length > 0)
    lines.push(`unsupported: ${r.unsupported.map((u) => `${u.feature} (${u.element})`).join(', ')}`);
  else lines.push('unsupported: none');
  if (r.compiled)
    lines.push(`compiles to ${r.compiled.states} states and ${r.compiled.parameters} parameters`);
  if (r.error) lines.push(`cannot simulate: [${r.error.code}] ${r.error.message}`);
  io.stdout(`${lines.join('\n')}\n`);
}

export const registerInfo: RegisterCommand = (program: Command, io: CliIo) => {
  program
    .command('info')
    .description(
      'Describe a model (SBML or Odeon JSON): species, compartments, parameters, reactions, rules, events, and anything unsupported.',
    )
    .argument('<model>', 'model file (.xml SBML Level 2/3, or .json)')
    .option('--json', 'print the summary as JSON')
    .action((path: string, options: { json?: boolean }) => {
      const result = modelInfo(path, io);
      if (options.json) writeJson(io, result);
      else printInfo(result, io);
    });
};
