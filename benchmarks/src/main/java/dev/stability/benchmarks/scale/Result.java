package dev.stability.benchmarks.scale;

/**
 * One mode's four memory snapshots and the per-connection and per-request figures derived from
 * them.
 */
record Result(
    String mode,
    int n,
    MemorySnapshot base,
    MemorySnapshot idle,
    MemorySnapshot inFlight,
    MemorySnapshot closed) {

  double idleHeapPerConnection() {
    return (double) (idle.heap() - base.heap()) / n;
  }

  double idleDirectPerConnection() {
    return (double) (idle.direct() - base.direct()) / n;
  }

  double heapPerRequest() {
    return (double) (inFlight.heap() - idle.heap()) / n;
  }

  double directPerRequest() {
    return (double) (inFlight.direct() - idle.direct()) / n;
  }

  String format() {
    return String.format(
        "%-8s idle connection: heap %7.0f B, direct %6.0f B | in-flight request: heap %6.0f B,"
            + " direct %6.0f B | after closing all: heap %+.1f MiB, direct %+.1f MiB against base"
            + " (base heap %.1f MiB, direct %.1f MiB; allocator chunks %s MiB idle, %s MiB in flight)",
        mode,
        idleHeapPerConnection(),
        idleDirectPerConnection(),
        heapPerRequest(),
        directPerRequest(),
        mib(closed.heap() - base.heap()),
        mib(closed.direct() - base.direct()),
        mib(base.heap()),
        mib(base.direct()),
        chunks(idle),
        chunks(inFlight));
  }

  static String difference(Result guarded, Result bare) {
    return String.format(
        "%s - %s: idle connection heap %+.0f B, direct %+.0f B; in-flight request heap %+.0f B,"
            + " direct %+.0f B",
        guarded.mode,
        bare.mode,
        guarded.idleHeapPerConnection() - bare.idleHeapPerConnection(),
        guarded.idleDirectPerConnection() - bare.idleDirectPerConnection(),
        guarded.heapPerRequest() - bare.heapPerRequest(),
        guarded.directPerRequest() - bare.directPerRequest());
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static String chunks(MemorySnapshot s) {
    return s.allocatorDirect() < 0 ? "n/a" : String.format("%.1f", mib(s.allocatorDirect()));
  }
}
