/**
 * V8 heap sizing for a small, steady footprint, set from inside the program so that it holds
 * however the server is started (`node dist/index.js`, the npm bin, npx, the .mcpb bundle,
 * Docker): no command-line flag is needed. launch.ts applies it before the server loads.
 *
 * Why (measured by `npm run bench`; docs/remote-limits.md, "Memory"): after 20,000 calls the
 * live heap is about 13 MB, yet RSS settled near 140 MB. V8 sizes its heap for throughput: the
 * young generation doubles, whenever enough survives its collections, up to 16 MB per
 * semi-space (about 34 MB), and the old generation may grow to about three times what is live
 * before a full collection. This server's calls are short and keep little, so:
 *
 * - the young generation may double up to {@link YOUNG_SEMI_SPACE_BYTES} per semi-space, then
 *   stops growing: `--semi-space-growth-factor=1` once it has reached that size (watched after
 *   each collection, until then). Kept at its starting 1 MB, collections came so often that
 *   remote mode used about a third more CPU per call; at 8 MB, RSS passed 90 MB;
 * - `--heap-growing-percent=50`: after a full collection the old generation may grow 50% past
 *   what is live before the next one. At 20%, remote mode (whose calls in flight survive more
 *   young collections) spent about a fifth more CPU in full collections; at 100%, RSS passed
 *   90 MB.
 *
 * V8 reads both flags at each collection, so setting them at run time takes effect; the flags
 * that size the heap outright (`--max-semi-space-size`) are read only when the heap is created,
 * and would need a command-line flag. A V8 that keeps a minimum growth factor of its own (newer
 * than Node 20's) lets the young generation grow on as before; the old generation's setting
 * still applies.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation's largest semi-space: two of them make the young generation. */
export const YOUNG_SEMI_SPACE_BYTES = 4 * 1024 * 1024;

/** Sets the heap's flags; the young generation's growth stops once it has reached its size. */
export function tuneHeap(): void {
  setFlagsFromString('--heap-growing-percent=50');
  if (youngGenerationBytes() >= 2 * YOUNG_SEMI_SPACE_BYTES) return stopYoungGrowth();
  const observer = new PerformanceObserver(() => {
    if (youngGenerationBytes() < 2 * YOUNG_SEMI_SPACE_BYTES) return;
    stopYoungGrowth();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

function stopYoungGrowth(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
