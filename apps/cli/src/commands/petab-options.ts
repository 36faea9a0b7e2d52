import { resolve } from 'node:path';
import { OdeonError } from '@odeon/ode';
import { COMPILE_PROBLEM_DEFAULTS, loadProblem, type PetabProblem, parseTsv } from '@odeon/petab';
import type { CliIo } from '../io.ts';
import { readTextFile } from '../io.ts';

/** Options shared by the `odeon petab` subcommands. */
export interface PetabCommonOptions {
  readonly json?: boolean;
  readonly parameters?: string;
  readonly rtol?: string;
  readonly atol?: string;
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v))
    throw new OdeonError(
      'InvalidOption',
      `--${name} must be a positive number, got ${JSON.stringify(text)}.`,
      {
        option: name,
        value: text,
        allowed: 'a number > 0',
        hint: `Give e.g. --${name} 1e-8.`,
      },
    );
  return v;
}

/**
 * Loads the problem and applies a `--parameters` table (columns `parameterId` and `value` or
 * `nominalValue`, linear scale): the listed parameters take those values as their nominal values.
 */
export async function loadPetab(io: CliIo, path: string, options: PetabCommonOptions): Promise<PetabProblem> {
  const problem = await loadProblem(resolve(io.cwd, path));
  const file = options.parameters;
  if (file === undefined) return problem;
  const table = parseTsv(readTextFile(io, file, 'parameter values'), file);
  const column = table.columns.includes('value') ? 'value' : 'nominalValue';
  if (!table.columns.includes('parameterId') || !table.columns.includes(column))
    throw new OdeonError('PetabFormatError', `${file}: needs columns parameterId and value.`, {
      file,
      hint: 'Give a TSV with a parameterId column and a value (or nominalValue) column on the linear scale.',
    });
  const values = new Map<string, number>();
  table.rows.forEach((r, i) => {
    const id = r.parameterId;
    const v = Number(r[column]);
    if (!problem.parameters.some((p) => p.id === id) || !Number.isFinite(v))
      throw new OdeonError('PetabFormatError', `${file}, row ${i + 1}: unknown parameter or bad value.`, {
        ...(file === undefined ? {} : { file }),
        row: i + 1,
        column: Number.isFinite(v) ? 'parameterId' : column,
        hint: 'Name parameters of the parameter table and give finite linear-scale values.',
      });
    values.set(id, v);
  });
  return {
    ...problem,
    parameters: problem.parameters.map((p) =>
      values.has(p.id) ? { ...p, nominalValue: values.get(p.id) as number } : p,
    ),
  };
}

export function compileOptions(options: PetabCommonOptions): { rtol: number; atol: number } {
  return {
    rtol: positiveNumber('rtol', options.rtol, COMPILE_PROBLEM_DEFAULTS.rtol),
    atol: positiveNumber('atol', options.atol, COMPILE_PROBLEM_DEFAULTS.atol),
  };
}
