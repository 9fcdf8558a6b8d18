// Runs as a forked child process: loads the task handler named on the command line, announces
// itself over IPC, then answers task messages until told to stop.
const { default: handle } = await import(process.argv[2]);

process.on('message', async (message) => {
  if (message.type === 'stop') {
    process.disconnect();
    return;
  }
  try {
    const value = await handle(message.payload);
    process.send({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    process.send({ type: 'result', id: message.id, ok: false, error: String(error?.message ?? error) });
  }
});
process.send({ type: 'ready' });
