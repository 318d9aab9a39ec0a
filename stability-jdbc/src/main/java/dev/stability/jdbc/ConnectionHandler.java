package dev.stability.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The {@link Connection} handed to callers: every method goes to the pool's connection, and the
 * statements it creates come back wrapped by {@link StatementHandler}.
 *
 * <p>A JDK dynamic proxy rather than a hand-written delegate: {@code Connection}, {@code
 * Statement}, {@code PreparedStatement} and {@code CallableStatement} have some 300 methods between
 * them, of which the wrapper changes a dozen, and a new JDBC version adds methods that a proxy
 * forwards without a release.
 */
final class ConnectionHandler implements InvocationHandler {
  private static final Class<?>[] INTERFACES = {Connection.class};

  private final DeadlineDataSource ds;
  private final Connection delegate;

  private ConnectionHandler(DeadlineDataSource ds, Connection delegate) {
    this.ds = ds;
    this.delegate = delegate;
  }

  static Connection proxy(DeadlineDataSource ds, Connection delegate) {
    return (Connection)
        Proxy.newProxyInstance(
            ConnectionHandler.class.getClassLoader(),
            INTERFACES,
            new ConnectionHandler(ds, delegate));
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
        return "DeadlineConnection(" + delegate + ")";
      case "unwrap":
        return Wrappers.unwrap(proxy, delegate, (Class<?>) args[0]);
      case "isWrapperFor":
        return Wrappers.isWrapperFor(proxy, delegate, (Class<?>) args[0]);
      default:
        break;
    }
    Object result = invokeDelegate(delegate, method, args);
    if (result instanceof Statement) {
      String sql =
          name.startsWith("prepare") && args != null && args[0] instanceof String
              ? (String) args[0]
              : null;
      Class<?> type =
          result instanceof CallableStatement
              ? CallableStatement.class
              : result instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
      return StatementHandler.proxy(
          ds, (Connection) proxy, delegate, (Statement) result, type, sql);
    }
    return result;
  }

  static Object invokeDelegate(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
