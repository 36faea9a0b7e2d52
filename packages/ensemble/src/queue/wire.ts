import { Buffer } from 'node:buffer';

/**
 * JSON that round-trips what tasks exchange, exactly: Float64Arrays as base64 of their bytes and
 * non-finite numbers by name (JSON has neither). Redis jobs and the results file use it.
 */
export function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float64Array)
      return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
}

/** Inverse of {@link toWire}. */
export function fromWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as { $f64?: unknown; $num?: unknown };
      if (typeof o.$f64 === 'string' && Object.keys(o).length === 1) {
        const bytes = Buffer.from(o.$f64, 'base64');
        const out = new Float64Array(bytes.byteLength / 8);
        new Uint8Array(out.buffer).set(bytes);
        return out;
      }
      if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
    }
    return v;
  });
}
