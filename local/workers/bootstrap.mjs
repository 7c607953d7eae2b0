// A worker thread's first module: TypeScript through tsx's loader (the same one `npm start` runs under), then the
// worker's own entry. Registered here rather than inherited, so a worker starts the same under tsx and under vitest.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
