// A reading thread (server/jobs.ts): each message is a batch of files; the answer is what a one-shot
// analysis keeps of them, packed. A fresh workspace per batch: nothing outlives the answer.
import { parentPort } from 'node:worker_threads';
import { Workspace } from '../shared';
import type { JobRequest } from './jobs';

parentPort?.on('message', (request: JobRequest) => {
  const workspace = new Workspace({ incremental: false });
  workspace.setModules(request.modules);
  for (const f of request.files) workspace.setFile(f.key, f.text);
  const packed = workspace.packFiles(request.files.map((f) => f.key));
  parentPort!.postMessage(packed, [packed.ints.buffer as ArrayBuffer]);
});
