/**
 * Writes ROBER and POLLU as SBML L3V2 files (models/*.xml) from the mass-action definitions in
 * shared/reference/problems.json, through the Odeon builder and SBML export.
 *
 *   pnpm tsx --conditions=@odeon/source benchmarks/sbml/generate-models.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelBuilder, writeSbml } from '@odeon/sbml';
import { sharedDir } from '@odeon/testkit';

interface Definition {
  name: string;
  y0: number[];
  params: Record<string, number>;
  state_names: string[];
  reactions: {
    rate_constant: string;
    reactants: { species: number; stoich: number }[];
    products: { species: number; stoich: number }[];
  }[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
const problems = (
  JSON.parse(readFileSync(join(sharedDir(), 'reference', 'problems.json'), 'utf8')) as {
    problems: Definition[];
  }
).problems;
for (const name of ['rober', 'pollu']) {
  const def = problems.find((p) => p.name === name) as Definition;
  const b = new ModelBuilder(name);
  def.state_names.forEach((s, i) => {
    b.species(s, def.y0[i]);
  });
  for (const [k, v] of Object.entries(def.params)) b.parameter(k, v);
  def.reactions.forEach((r, i) => {
    const side = (l: { species: number; stoich: number }[]) =>
      l.map((x) => `${x.stoich === 1 ? '' : `${x.stoich} `}${def.state_names[x.species]}`).join(' + ');
    const rate = [
      r.rate_constant,
      ...r.reactants.map((x) =>
        x.stoich === 1 ? def.state_names[x.species] : `${def.state_names[x.species]}^${x.stoich}`,
      ),
    ].join(' * ');
    b.reaction(`${side(r.reactants)} -> ${side(r.products)}`, rate, { id: `R${i + 1}` });
  });
  const file = join(here, 'models', `${name}.xml`);
  writeFileSync(file, writeSbml(b.build()));
  console.log(`wrote ${file}`);
}
