// Plots checked as pictures: each SVG is rendered to pixels (resvg, no browser) and the pixels are
// checked for what a reader needs to see, not only the SVG text.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.ts';
import { run } from './main.ts';
import { SERIES_COLORS } from './plot.ts';

interface Picture {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

function render(svg: string): Picture {
  const img = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render();
  return { width: img.width, height: img.height, pixels: new Uint8Array(img.pixels) };
}

/** Where the pixels of a colour are (within `tol` per channel): count and bounding box. */
function find(p: Picture, hex: string, tol = 24, x0 = 0, x1 = p.width) {
  const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let count = 0;
  let top = p.height;
  let bottom = -1;
  for (let y = 0; y < p.height; y++)
    for (let x = x0; x < x1; x++) {
      const k = 4 * (y * p.width + x);
      if (c.every((v, j) => Math.abs(p.pixels[k + j] - v) <= tol)) {
        count++;
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  return { count, height: bottom - top + 1, top };
}

/** Fraction of pixels that are not (near) white. */
function inked(p: Picture): number {
  let n = 0;
  for (let k = 0; k < p.pixels.length; k += 4)
    if (p.pixels[k] < 235 || p.pixels[k + 1] < 235 || p.pixels[k + 2] < 235) n++;
  return n / (p.pixels.length / 4);
}

const tickLabels = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('plots as pictures', () => {
  it('odeon simulate --problem rober --plot: three visible species (y2 ≈ 1e-5 is not flattened onto the axis)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-png-'));
    const io = captureIo(dir);
    expect(await run(['simulate', '--problem', 'rober', '--plot', 'rober.svg'], io)).toBe(0);
    const svg = readFileSync(join(dir, 'rober.svg'), 'utf8');
    const p = render(svg);
    expect([p.width, p.height]).toEqual([
      Number(/width="(\d+)"/.exec(svg)?.[1]),
      Number(/height="(\d+)"/.exec(svg)?.[1]),
    ]);
    const ink = inked(p);
    expect(ink).toBeGreaterThan(0.02);
    expect(ink).toBeLessThan(0.5);
    // every species is drawn; y2 (below 4e-5) rises and falls over a good part of the plot's height
    // instead of lying flat on the axis (the legend, right of x = width − 100, is left out)
    const plotArea = p.width - 100;
    for (const color of SERIES_COLORS.slice(0, 3))
      expect(find(p, color, 24, 0, plotArea).count).toBeGreaterThan(200);
    expect(find(p, SERIES_COLORS[1], 24, 0, plotArea).height).toBeGreaterThan(0.15 * p.height);
    // the title: dark text in the top band
    expect(find(p, '#000000', 80).top).toBeLessThan(25);
    expect(tickLabels(svg)).toContain('rober (rodas5p, rtol 1e-6)');
  });

  it('odeon fit --plot: data and fitted lines on the left, the loss curve on the right with labelled ticks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeon-png-'));
    writeFileSync(
      join(dir, 'm.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="decay" name="First-order decay">
    <listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.2" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`,
    );
    const rows = ['measurement,time,A,B'];
    for (const t of [0, 0.5, 1, 2, 3, 5, 8])
      rows.push(`e,${t},${Math.exp(-0.7 * t)},${1 - Math.exp(-0.7 * t)}`);
    writeFileSync(join(dir, 'd.csv'), `${rows.join('\n')}\n`);
    const io = captureIo(dir);
    expect(await run(['fit', 'm.xml', 'd.csv', '--params', 'k', '--plot', 'fit.svg'], io)).toBe(0);
    const svg = readFileSync(join(dir, 'fit.svg'), 'utf8');
    const labels = tickLabels(svg);
    expect(labels).toContain('odeon fit: First-order decay');
    expect(labels).toContain('loss (mse)');
    // the loss axis (log) labels several ticks, all in one format
    const lossTicks = labels.filter((s) => /^\de[+-]\d+$/.test(s));
    expect(lossTicks.length).toBeGreaterThanOrEqual(3);
    // iterations are whole numbers
    expect(labels).not.toContain('1.5');
    const p = render(svg);
    expect(inked(p)).toBeGreaterThan(0.02);
    const left = Math.round(0.55 * p.width);
    for (const color of SERIES_COLORS.slice(0, 2))
      expect(find(p, color, 24, 0, left).count).toBeGreaterThan(100);
    // vega's default line colour draws the loss curve, in the right-hand panel only
    expect(find(p, '#4c78a8', 24, left, p.width).count).toBeGreaterThan(50);
    expect(find(p, '#4c78a8', 24, 0, left).count).toBe(0);
  });
});
