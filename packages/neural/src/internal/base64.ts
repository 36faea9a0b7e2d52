/** Bit-exact float64 ⇄ base64 (little-endian IEEE 754), without Node's Buffer or DOM globals. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** The bytes of `values` (little-endian) as base64. */
export function float64ToBase64(values: Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i], true);
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    s += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
    s += i + 1 < bytes.length ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    s += i + 2 < bytes.length ? ALPHABET[b2 & 63] : '=';
  }
  return s;
}

/** Decodes {@link float64ToBase64}; returns null when the text is not valid base64 of whole doubles. */
export function base64ToFloat64(text: string): Float64Array | null {
  if (text.length % 4 !== 0) return null;
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const nBytes = (text.length / 4) * 3 - pad;
  if (nBytes % 8 !== 0) return null;
  const bytes = new Uint8Array(nBytes);
  let k = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      if (ch === 61 && i + j >= text.length - pad) c[j] = 0;
      else {
        const v = ch < 128 ? LOOKUP[ch] : -1;
        if (v < 0) return null;
        c[j] = v;
      }
    }
    const triple = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    if (k < nBytes) bytes[k++] = (triple >> 16) & 255;
    if (k < nBytes) bytes[k++] = (triple >> 8) & 255;
    if (k < nBytes) bytes[k++] = triple & 255;
  }
  const out = new Float64Array(nBytes / 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}
