/** A reversible reaction A <-> B (JSON model): A(t) = A∞ + (A0 − A∞) e^{−(kf+kr) t}. */
export const REVERSIBLE_JSON = JSON.stringify({
  id: 'reversible',
  compartments: [{ id: 'c', size: 1 }],
  species: [
    { id: 'A', initial: 1, compartment: 'c' },
    { id: 'B', initial: 0, compartment: 'c' },
  ],
  parameters: { kf: 1, kr: 0.5 },
  reactions: [{ id: 'r', equation: 'A <-> B', rate: 'c * (kf * A - kr * B)' }],
});

/** A(t) of the reversible reaction with A(0) = a0, B(0) = b0. */
export function reversibleA(t: number, kf: number, kr: number, a0 = 1, b0 = 0): number {
  const total = a0 + b0;
  const aInf = (kr * total) / (kf + kr);
  return aInf + (a0 - aInf) * Math.exp(-(kf + kr) * t);
}
