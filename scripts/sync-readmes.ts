// `pnpm readme:sync`: regenerates the code blocks of every package README from the tested files they
// include by region (see packages/testkit/src/readme-snippets.ts).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../packages/testkit/src/readme-snippets.ts';

const root = new URL('..', import.meta.url).pathname;
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(root, dir, name, 'README.md');
    if (!existsSync(path)) continue;
    const next = renderReadme(path);
    if (next !== readFileSync(path, 'utf8')) {
      writeFileSync(path, next);
      console.log(`updated ${dir}/${name}/README.md`);
    }
  }
}
