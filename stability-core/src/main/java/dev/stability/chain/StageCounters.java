package dev.stability.chain;

import java.util.concurrent.atomic.LongAdder;

/** The live counters of one stage; LongAdders so that concurrent event loops do not contend. */
final class StageCounters {
  final LongAdder entered = new LongAdder();
  final LongAdder forwarded = new LongAdder();
  final LongAdder responded = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder[] violations = new LongAdder[ViolationType.values().length];

  StageCounters() {
    for (int i = 0; i < violations.length; i++) {
      violations[i] = new LongAdder();
    }
  }
}
