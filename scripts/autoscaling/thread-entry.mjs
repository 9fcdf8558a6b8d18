// Runs inside a worker thread: loads the task handler named in workerData, announces itself,
// then answers task messages until told to stop.
import { parentPort, workerData } from 'node:worker_threads';

const { default: handle } = await import(workerData.handler);
const port = parentPort;

port.on('message', async (message) => {
  if (message.type === 'stop') {
    port.close();
    return;
  }
  try {
    const value = await handle(message.payload);
    port.postMessage({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    port.postMessage({ type: 'result', id: message.id, ok: false, error: String(error?.message ?? error) });
  }
});
port.postMessage({ type: 'ready' });
