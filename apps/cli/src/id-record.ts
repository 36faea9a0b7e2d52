/**
 * A record keyed by user ids (parameter, species names) with no prototype, so an id such as
 * `__proto__` or `constructor` is an ordinary own key instead of a prototype accessor.
 */
export function idRecord<T>(names: readonly string[], value: (index: number) => T): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (let i = 0; i < names.length; i++) out[names[i]] = value(i);
  return out;
}
