// Prints `N passed, N failed` from the real results in .ci/results: every vitest JSON report
// (numPassedTests / numFailedTests) and the step outcomes of scripts/test-all.mjs. Exits 1 when
// anything failed or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('./results', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let reports = 0;
if (existsSync(dir)) {
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json') || file === 'steps.json') continue;
    const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (typeof r.numPassedTests !== 'number') continue;
    reports++;
    passed += r.numPassedTests;
    // Failed tests, plus suites that failed to load (they hold tests that never ran).
    failed +=
      r.numFailedTests +
      (r.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0)
        .length;
  }
  const stepsFile = join(dir, 'steps.json');
  if (existsSync(stepsFile)) {
    for (const s of JSON.parse(readFileSync(stepsFile, 'utf8'))) {
      if (!s.ok && s.name !== 'tests' && s.name !== 'docs e2e') {
        console.log(`step failed: ${s.name}`);
        failed++;
      }
    }
  }
}
if (reports === 0) {
  console.log('no test report found: the test step did not run');
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
