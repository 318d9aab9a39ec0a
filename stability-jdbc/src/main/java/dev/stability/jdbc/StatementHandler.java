package dev.stability.jdbc;

import dev.stability.context.RequestContext;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;

/**
 * The {@link Statement}, {@code PreparedStatement} or {@code CallableStatement} handed to callers:
 * each {@code execute*} runs as a {@link StatementCall} bounded by the current request; everything
 * else goes to the driver's statement.
 *
 * <p>The caller's own {@code setQueryTimeout} is remembered and reported back by {@code
 * getQueryTimeout}; the driver gets the smaller of it and the budget's backstop for each call.
 */
final class StatementHandler implements java.lang.reflect.InvocationHandler {
  private final DeadlineDataSource ds;
  private final Connection connectionProxy;
  private final Connection connection;
  private final Statement delegate;
  private final String preparedOperation; // null for a plain Statement
  private String
      batchOperation; // the first addBatch(sql) of a plain Statement; one thread uses a statement
  private int userTimeout;
  private int appliedTimeout;

  private StatementHandler(
      DeadlineDataSource ds,
      Connection connectionProxy,
      Connection connection,
      Statement delegate,
      String sql) {
    this.ds = ds;
    this.connectionProxy = connectionProxy;
    this.connection = connection;
    this.delegate = delegate;
    this.preparedOperation = sql == null ? null : SqlOperation.of(sql);
  }

  static Statement proxy(
      DeadlineDataSource ds,
      Connection connectionProxy,
      Connection connection,
      Statement delegate,
      Class<?> type,
      String sql)
      throws java.sql.SQLException {
    StatementHandler h = new StatementHandler(ds, connectionProxy, connection, delegate, sql);
    h.userTimeout = delegate.getQueryTimeout();
    h.appliedTimeout = h.userTimeout;
    return (Statement)
        Proxy.newProxyInstance(StatementHandler.class.getClassLoader(), new Class<?>[] {type}, h);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "DeadlineStatement(" + delegate + ")";
      case "unwrap":
        return Wrappers.unwrap(proxy, delegate, (Class<?>) args[0]);
      case "isWrapperFor":
        return Wrappers.isWrapperFor(proxy, delegate, (Class<?>) args[0]);
      case "getConnection":
        return connectionProxy;
      case "getQueryTimeout":
        return userTimeout;
      case "setQueryTimeout":
        delegate.setQueryTimeout((Integer) args[0]); // the driver validates it
        userTimeout = (Integer) args[0];
        appliedTimeout = userTimeout;
        return null;
      case "addBatch":
        if (args != null
            && args.length == 1
            && args[0] instanceof String
            && batchOperation == null) {
          batchOperation = SqlOperation.of((String) args[0]);
        }
        break;
      case "clearBatch":
        batchOperation = null;
        break;
      default:
        if (name.startsWith("execute")) {
          return execute(method, args, operationOf(name, args));
        }
        break;
    }
    return ConnectionHandler.invokeDelegate(delegate, method, args);
  }

  private String operationOf(String name, Object[] args) {
    if (args != null && args.length > 0 && args[0] instanceof String) {
      return SqlOperation.of((String) args[0]);
    }
    if (preparedOperation != null) {
      return preparedOperation;
    }
    return name.endsWith("Batch") && batchOperation != null ? batchOperation : SqlOperation.BATCH;
  }

  private Object execute(Method method, Object[] args, String operation) throws Throwable {
    if (method.getName().endsWith("Batch")) {
      batchOperation = null; // executing a batch clears it
    }
    RequestContext scope =
        CallBudget.open(ds, RequestContext.current(), JdbcPhase.EXECUTE, operation);
    if (scope == null) {
      applyTimeout(userTimeout);
      return unbounded(method, args, operation);
    }
    StatementCall call = StatementCall.start(ds, delegate, connection, scope);
    Object result = null;
    Throwable failure = null;
    try {
      applyTimeout(backstopSeconds(call.budgetNanos()));
      result = ConnectionHandler.invokeDelegate(delegate, method, args);
    } catch (Throwable t) {
      failure = t;
    }
    DatabaseDeadlineException stopped = call.finish(operation, failure);
    if (stopped != null) {
      throw stopped;
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  private Object unbounded(Method method, Object[] args, String operation) throws Throwable {
    long start = ds.ticker.nanoTime();
    try {
      Object result = ConnectionHandler.invokeDelegate(delegate, method, args);
      ds.metrics.operation(operation, JdbcMetrics.NO_ERROR, ds.ticker.nanoTime() - start);
      return result;
    } catch (Throwable t) {
      ds.metrics.operation(operation, t.getClass().getName(), ds.ticker.nanoTime() - start);
      throw t;
    }
  }

  /**
   * The budget rounded up to whole seconds, so the driver's own timeout never fires before the
   * precise cancel.
   */
  private int backstopSeconds(long budgetNanos) {
    if (!ds.queryTimeoutBackstop || budgetNanos == Long.MAX_VALUE) {
      return userTimeout;
    }
    long seconds = Math.max(1, (budgetNanos + 999_999_999L) / 1_000_000_000L);
    int backstop = (int) Math.min(Integer.MAX_VALUE, seconds);
    return userTimeout == 0 ? backstop : Math.min(userTimeout, backstop);
  }

  private void applyTimeout(int seconds) throws java.sql.SQLException {
    if (seconds
        != appliedTimeout) { // H2 sends a SET per change: skip it when the value is the same
      delegate.setQueryTimeout(seconds);
      appliedTimeout = seconds;
    }
  }
}
