package dev.stability.config;

/**
 * Observes the updates of a {@link ConfigSource}: applied ones and rejected ones.
 *
 * <p>Callbacks run on the thread that offered the update (a file poller, an etcd watch thread);
 * they must be fast and must not throw: a throwing listener is logged and the others still run.
 *
 * @param <T> the value type
 */
public interface ConfigListener<T> {
  /** A listener that ignores every event. */
  ConfigListener<Object> NONE =
      new ConfigListener<>() {
        @Override
        public void onApplied(String source, Object previous, Object current) {}
      };

  /**
   * Called after {@code current} replaced {@code previous}.
   *
   * @param source the source's name
   * @param previous the value replaced
   * @param current the value now in force
   */
  void onApplied(String source, T previous, T current);

  /**
   * Called when an update was rejected; the value in force did not change.
   *
   * @param rejection what was rejected and why
   */
  default void onRejected(ConfigRejectedException rejection) {}
}
