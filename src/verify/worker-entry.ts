/**
 * The child process a verification session starts (see worker.ts for why there is one). Kept
 * apart from worker.ts so importing that module never installs an IPC listener elsewhere.
 */
import { redactText } from '../redact/index.ts';
import {
  endMarker,
  runWorker,
  type WorkerOutput,
  type WorkerProgress,
  type WorkerRequest,
  type WorkerResponse,
} from './worker.ts';

const failed = (error: unknown): WorkerOutput => ({
  report: undefined,
  crash: redactText(
    `the verification worker failed: ${error instanceof Error ? error.message : String(error)}`,
  ),
  events: [],
  secrets: [],
});

// One run at a time: the parent sends the next request only after the last response.
process.on('message', (request: WorkerRequest) => {
  runWorker(request.input, (event) => {
    const progress: WorkerProgress = { id: request.id, event };
    process.send?.(progress);
  })
    .catch(failed)
    .then((output) => {
      // stdout to a pipe is synchronous on Linux and macOS, so the marker follows the Pact core's output.
      process.stdout.write(endMarker(request.id), () => {
        const response: WorkerResponse = { id: request.id, output };
        process.send?.(response);
      });
    });
});
process.on('disconnect', () => process.exit(0));
