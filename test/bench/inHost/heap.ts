import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * The extension host runs without --expose-gc; the flag still takes effect for a new context, which
 * hands out `gc`. Collecting first makes "heap used" mean what is still held.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MB. */
export function heapUsedMB(): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}
