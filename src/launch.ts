#!/usr/bin/env node
/**
 * The built entry point (`dist/index.js`): sizes the heap (heap-tuning.ts), then loads the server
 * (index.ts). The server comes in by a dynamic import so that none of it, and none of the
 * bundle's shared chunks, is evaluated before the heap is sized: static imports would all be
 * evaluated first, and the young generation would grow while they load.
 */
import { tuneHeap } from './heap-tuning.js';

tuneHeap();
await import('./index.js');
