import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('neural guide: modelFromSpec builds a universal ODE whose groups split the network from θ', async () => {
  const { exports, lines } = await runSnippet(() => import('./model-spec.ts'));
  const { groups, model } = exports;
  // G (2×2) and α (2) of the gate, the 2 → 8 → 8 → 2 MLP, then Km.
  const network = 4 + 2 + (2 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2);
  expect(model.np).toBe(network + 1);
  expect(groups).toEqual({
    network: [{ start: 0, end: network }],
    parameters: [{ start: network, end: network + 1 }],
  });
  expect(model.p[network]).toBe(0.4);
  expect(lines[0]).toBe(`universal-ode: ${network + 1} parameters`);
});
