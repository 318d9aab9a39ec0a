package dev.stability.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@link Wrapper} for the proxies: the proxy itself, then the wrapped object, then whatever that
 * one wraps.
 */
final class Wrappers {
  private Wrappers() {}

  static Object unwrap(Object proxy, Wrapper delegate, Class<?> iface) throws SQLException {
    if (iface.isInstance(proxy)) {
      return proxy;
    }
    return iface.isInstance(delegate) ? delegate : delegate.unwrap(iface);
  }

  static boolean isWrapperFor(Object proxy, Wrapper delegate, Class<?> iface) throws SQLException {
    return iface.isInstance(proxy) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }
}
