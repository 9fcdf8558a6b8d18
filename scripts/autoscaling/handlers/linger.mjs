// A task that leaves a timer running, so its replica will not exit when asked to.
export default function linger() {
  setInterval(() => {}, 1_000);
  return 'lingering';
}
