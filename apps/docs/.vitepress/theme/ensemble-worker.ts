// The Web Worker of `@odeon/ensemble` pools on this site (bundled by Vite via `?worker&url`).
import { serveWorker } from '@odeon/ensemble';

serveWorker();
