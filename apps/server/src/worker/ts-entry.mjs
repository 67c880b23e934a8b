// Worker entry when the server runs from its TypeScript sources (tests, `tsx src/main.ts`): worker
// threads do not inherit tsx's loader, so load the tasks through tsx's API. The built server
// (dist/) uses dist/worker/tasks.js directly and never reads this file.
import { tsImport } from 'tsx/esm/api';

const tasks = await tsImport('./tasks.ts', import.meta.url);
export default tasks.default;
