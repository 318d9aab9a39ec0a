package dev.stability.netty.client;

import java.net.URI;
import java.util.Locale;

/** The identity of one pool: scheme security, host and port. */
record HostKey(boolean secure, String host, int port) {

  static HostKey of(URI uri) {
    boolean secure = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostKey(secure, host.toLowerCase(Locale.ROOT), port);
  }

  /** Returns the value for the {@code Host} header. */
  String authority() {
    boolean defaultPort = port == (secure ? 443 : 80);
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return defaultPort ? h : h + ":" + port;
  }

  @Override
  public String toString() {
    return (secure ? "https://" : "http://") + authority();
  }
}
