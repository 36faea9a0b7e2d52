import { expect, test } from 'vitest';
import { runSnippet } from '../run-snippet.ts';

test('errors guide: bad options raise OdeonError with the code and option at fault', async () => {
  const { lines } = await runSnippet(() => import('./errors.ts'));
  expect(lines[0]).toBe('code:    InvalidOption');
  expect(lines[1]).toBe('option:  rtol');
  expect(lines[2]).toMatch(/^message: .*rtol.*got 2/);
  expect(lines[3]).toMatch(/^InvalidOption \(dt\): .*dt.*/);
  expect(lines).toHaveLength(4);
});
