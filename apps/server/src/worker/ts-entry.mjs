// Worker entry when the server runs from its TypeScript sources (tests, `tsx src/main.ts`): worker
// processes are started without tsx's loader, so load the thread host through tsx's API. The built server
// (dist/) uses dist/worker/process-host.js directly and never reads this file.
import { tsImport } from 'tsx/esm/api';

await tsImport('./process-host.ts', import.meta.url);
