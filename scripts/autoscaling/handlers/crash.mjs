// A task that takes its replica down with it, to exercise replacement of crashed replicas.
export default function crash() {
  process.exit(3);
}
