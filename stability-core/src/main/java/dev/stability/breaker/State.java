package dev.stability.breaker;

/**
 * One immutable-identity state of the state machine; a transition is a compare-and-set of the
 * reference.
 */
abstract class State {
  final CircuitBreakerState kind;

  State(CircuitBreakerState kind) {
    this.kind = kind;
  }

  /**
   * OPEN: rejects until {@code untilNanos}; {@code attempt} counts the failed probe rounds since it
   * last closed.
   */
  static final class Open extends State {
    final long untilNanos;
    final int attempt;

    Open(long untilNanos, int attempt) {
      super(CircuitBreakerState.OPEN);
      this.untilNanos = untilNanos;
      this.attempt = attempt;
    }
  }

  /** FORCED_OPEN or DISABLED: set by an operator, left only by an operator. */
  static final class Fixed extends State {
    static final Fixed FORCED_OPEN = new Fixed(CircuitBreakerState.FORCED_OPEN);
    static final Fixed DISABLED = new Fixed(CircuitBreakerState.DISABLED);

    private Fixed(CircuitBreakerState kind) {
      super(kind);
    }
  }
}
