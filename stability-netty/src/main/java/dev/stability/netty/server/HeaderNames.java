package dev.stability.netty.server;

import dev.stability.context.wire.DeadlineHeader;
import io.netty.util.AsciiString;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AsciiString} forms of the deadline header names: Netty's headers hash an {@code
 * AsciiString} once and cache it, where a {@code String} name is hashed again on every lookup of
 * every request.
 */
final class HeaderNames {
  private static final Map<String, AsciiString> DEADLINE = new HashMap<>();

  static {
    for (DeadlineHeader h : DeadlineHeader.values()) {
      DEADLINE.put(h.headerName(), AsciiString.cached(h.headerName()));
    }
  }

  private HeaderNames() {}

  /** The cached ASCII form of a deadline header's name. */
  static AsciiString ascii(DeadlineHeader header) {
    return DEADLINE.get(header.headerName());
  }

  /** Returns the cached ASCII form of a deadline header name, or the name itself for any other. */
  static CharSequence ascii(String name) {
    AsciiString cached = DEADLINE.get(name);
    return cached != null ? cached : name;
  }
}
