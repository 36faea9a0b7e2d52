/**
 * Fingerprints of @odeon/sbml for refactors that must not change results: for every case of the SBML
 * suite sample, the extended sample and the BioModels files, on both back ends, hashes of the generated
 * sources, of the RHS, Jacobian, ∂f/∂p, VJP, JVP and initial Jacobian at the initial point, and of the
 * suite time course (values, times, solver counts). Run it before and after a change and `cmp` the files:
 *
 *   node --conditions=@odeon/source --import tsx benchmarks/fingerprints/sbml.ts before.json
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileModel, parseSbml, parseSuiteSettings, simulateForSettings } from '@odeon/sbml';
import { sharedDir } from '@odeon/testkit';

const roots = [join(sharedDir(), 'sbml-suite', 'cases'), join(sharedDir(), 'sbml-suite-extended', 'cases')];
const biomodels = join(sharedDir(), 'biomodels');
const out: Record<string, string> = {};
const h = (a: Float64Array | string) =>
  createHash('sha256')
    .update(typeof a === 'string' ? a : new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')
    .slice(0, 16);
const files: [string, string, string | undefined][] = [];
for (const root of roots)
  for (const c of readdirSync(root)) {
    const dir = join(root, c);
    const xml = readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .pop();
    if (!xml) continue;
    files.push([`${root.split('/').at(-2)}/${c}`, join(dir, xml), join(dir, `${c}-settings.txt`)]);
  }
if (existsSync(biomodels))
  for (const f of readdirSync(biomodels, { recursive: true }) as string[])
    if (f.endsWith('.xml')) files.push([`biomodels/${f}`, join(biomodels, f), undefined]);
for (const [name, xmlPath, settingsPath] of files) {
  for (const backend of ['codegen', 'interpreter'] as const) {
    const key = `${name}:${backend}`;
    try {
      const m = compileModel(parseSbml(readFileSync(xmlPath, 'utf8')), { backend });
      const parts: string[] = [];
      if (backend === 'codegen') parts.push(h(m.sources.rhs + m.sources.jacobian + m.sources.vjp));
      const y = m.y0,
        p = m.p,
        n = m.n,
        np = m.np;
      const f = new Float64Array(n);
      const J = new Float64Array(n * n);
      const Jp = new Float64Array(n * np);
      const v = Float64Array.from({ length: n }, (_, i) => 1 + i / 7);
      const oy = new Float64Array(n);
      const op = new Float64Array(np);
      const jv = new Float64Array(n);
      try {
        m.rhs(0.3, y, p, f);
        m.jacobian(0.3, y, p, J);
        m.paramJacobian(0.3, y, p, Jp);
        m.vjp(0.3, y, p, v, oy, op);
        m.jvp(0.3, y, p, v, jv);
        parts.push(h(f), h(J), h(Jp), h(oy), h(op), h(jv), h(m.initialJacobian()), h(y), h(p));
      } catch (e) {
        parts.push(`kerr:${(e as Error).message}`);
      }
      if (settingsPath && existsSync(settingsPath)) {
        try {
          const course = simulateForSettings(m, parseSuiteSettings(readFileSync(settingsPath, 'utf8')));
          parts.push(h(course.values), h(course.times), JSON.stringify(course.stats));
        } catch (e) {
          parts.push(`serr:${(e as { code?: string }).code}:${(e as Error).message}`);
        }
      }
      out[key] = parts.join(' ');
    } catch (e) {
      out[key] = `cerr:${(e as { code?: string }).code}:${(e as Error).message}`;
    }
  }
}
const target = process.argv[2] ?? 'sbml-fingerprint.json';
writeFileSync(target, JSON.stringify(out, null, 1));
console.log(Object.keys(out).length, 'entries');
