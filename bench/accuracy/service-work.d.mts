// Types of service-work.mjs for the TypeScript harness.
export function loopWork(iters: number): number;
export function jsonWork(items: number): string;
export function jsonBytes(items: number): number;
export function seededRandom(seed: number): () => number;
