package dev.stability.context;

/**
 * The attachment of a {@link RequestContext} to the current thread; close it to restore what was
 * there before.
 *
 * <p>Always use try-with-resources: {@code try (Scope ignored = ctx.attach()) { ... }}. Closing
 * scopes out of order is reported once in the log and the previous context is restored anyway. Do
 * not pass a scope to another thread: a scope belongs to the thread that opened it.
 */
public interface Scope extends AutoCloseable {

  /**
   * Detaches the context and restores the previous one and its MDC entry; a second call does
   * nothing.
   */
  @Override
  void close();
}
