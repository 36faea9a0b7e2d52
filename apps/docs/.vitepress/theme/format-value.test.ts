import { expect, test } from 'vitest';
import { formatLine, formatValue } from './format-value.ts';

test('formats console.log arguments the way Node prints them, near enough', () => {
  expect(formatLine(['steps:', 42, true])).toBe('steps: 42 true');
  expect(formatValue(new Float64Array([1, 2.5]))).toBe('Float64Array(2) [ 1, 2.5 ]');
  expect(formatValue({ a: 1, b: 'x' })).toBe('{ a: 1, b: "x" }');
  expect(formatValue(Array.from({ length: 20 }, (_, i) => i))).toContain('… 8 more');
  expect(formatValue(new Error('boom'))).toBe('Error: boom');
});
