export async function createWasmBackend(_o: unknown): Promise<never> {
  throw new Error('not yet');
}
