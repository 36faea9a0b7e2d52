import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { OdeonError } from '@odeon/ode';
import type { TaskReply } from '../task.ts';
import { fromWire, toWire } from './wire.ts';

/** Where a distributed run keeps finished tasks, so a restarted coordinator redoes none of them. */
export interface ResultStore {
  /** The replies already stored, by task index (read once at the start of a run). */
  load(runId: string, total: number): Map<number, TaskReply>;
  /** Stores one reply as soon as it arrives. */
  write(index: number, reply: TaskReply): void;
}

/** Header line of a results file. */
interface Header {
  readonly odeonRun: string;
  readonly total: number;
}

/**
 * A JSON-lines results file: a header naming the run, then one `{"i": index, "r": reply}` line per
 * finished task, appended synchronously as each arrives. A torn last line (a crash mid-write) is
 * ignored and that task is done again.
 */
export function jsonlStore(path: string): ResultStore {
  return {
    load(runId, total) {
      const done = new Map<number, TaskReply>();
      if (!existsSync(path)) {
        writeFileSync(path, `${JSON.stringify({ odeonRun: runId, total } satisfies Header)}\n`);
        return done;
      }
      const lines = readFileSync(path, 'utf8').split('\n');
      let header: Header | undefined;
      try {
        header = JSON.parse(lines[0]) as Header;
      } catch {
        header = undefined;
      }
      if (header?.odeonRun !== runId || header.total !== total)
        throw new OdeonError('IoError', `The results file ${JSON.stringify(path)} belongs to another run.`, {
          hint: 'Give a new results file, or delete this one to start over (its run differs in tasks or settings).',
        });
      let torn = false;
      for (const line of lines.slice(1)) {
        if (line.trim() === '') continue;
        try {
          const entry = fromWire(line) as { i: number; r: TaskReply };
          if (Number.isInteger(entry.i) && entry.i >= 0 && entry.i < total && !done.has(entry.i))
            done.set(entry.i, entry.r);
        } catch {
          torn = true;
        }
      }
      // Start on a fresh line after a torn write, so the next entry parses.
      if (torn || !readFileSync(path, 'utf8').endsWith('\n')) appendFileSync(path, '\n');
      return done;
    },
    write(index, reply) {
      appendFileSync(path, `${toWire({ i: index, r: reply })}\n`);
    },
  };
}

/** A store in memory (nothing survives the process): for runs that need no resume. */
export function memoryStore(): ResultStore {
  const done = new Map<number, TaskReply>();
  return {
    load: () => new Map(done),
    write: (index, reply) => {
      done.set(index, reply);
    },
  };
}
