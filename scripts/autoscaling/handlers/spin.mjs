// A CPU-bound task: keeps the thread busy for `ms` milliseconds, then reports how long it ran.
export default function spin({ ms = 10 } = {}) {
  const start = performance.now();
  let spins = 0;
  while (performance.now() - start < ms) spins++;
  return { ms: performance.now() - start, spins };
}
