/** The typed-array constructors `countAllocations` can watch. */
export type TypedArrayName = 'Float64Array' | 'Float32Array' | 'Int32Array' | 'Uint32Array' | 'Uint8Array';

/**
 * Runs `f` with the named global typed-array constructors replaced by counting proxies and returns how
 * many arrays were constructed (the originals are restored afterwards, also when `f` throws).
 */
export function countAllocations(
  f: () => unknown,
  names: readonly TypedArrayName[] = ['Float64Array'],
): number {
  const g = globalThis as unknown as Record<TypedArrayName, object>;
  const originals = names.map((name) => g[name]);
  let count = 0;
  names.forEach((name, i) => {
    g[name] = new Proxy(originals[i], {
      construct(target, args, newTarget) {
        count++;
        return Reflect.construct(target as never, args, newTarget);
      },
    });
  });
  try {
    f();
  } finally {
    names.forEach((name, i) => {
      g[name] = originals[i];
    });
  }
  return count;
}
