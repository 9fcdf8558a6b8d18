// An I/O-like task: resolves after `ms` milliseconds, or fails when asked to.
export default function wait({ ms = 10, fail = false } = {}) {
  return new Promise((resolve, reject) =>
    setTimeout(() => (fail ? reject(new Error('task failed')) : resolve({ waited: ms })), ms),
  );
}
