import { vi } from 'vitest';

/** What a snippet did when imported: its exports and every line it printed. */
export interface SnippetRun<M> {
  readonly exports: M;
  /** Everything printed with console.log/info/warn/error, one entry per call, joined with spaces. */
  readonly lines: readonly string[];
  /** `lines` joined with newlines. */
  readonly text: string;
}

function format(args: readonly unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

/**
 * Imports a snippet module (running its top-level code once, as the page's Run button does) while
 * capturing what it prints, so a test can assert on its output and its exports.
 */
export async function runSnippet<M>(load: () => Promise<M>): Promise<SnippetRun<M>> {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(format(args));
  };
  const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation(capture),
  );
  try {
    const exports = await load();
    return { exports, lines, text: lines.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
