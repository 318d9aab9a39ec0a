package dev.stability.netty.eventloop;

import io.netty.channel.ChannelHandler;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the handler a blocked loop is in: the innermost frame of a {@link ChannelHandler} class
 * outside Netty's own packages. Class lookups are cached (bounded) and never initialise a class.
 */
final class HandlerNames {
  static final String UNKNOWN = "unknown";
  private static final int MAX_CACHED = 4096;
  private static final ConcurrentHashMap<String, Boolean> IS_HANDLER = new ConcurrentHashMap<>();

  private HandlerNames() {}

  static String find(StackTraceElement[] stack, ClassLoader loader) {
    for (StackTraceElement frame : stack) {
      String name = frame.getClassName();
      if (!name.startsWith("io.netty.") && isHandler(name, loader)) {
        int dot = name.lastIndexOf('.');
        return name.substring(dot + 1);
      }
    }
    return UNKNOWN;
  }

  private static boolean isHandler(String className, ClassLoader loader) {
    Boolean cached = IS_HANDLER.get(className);
    if (cached != null) {
      return cached;
    }
    boolean handler;
    try {
      handler =
          ChannelHandler.class.isAssignableFrom(
              Class.forName(
                  className, false, loader == null ? HandlerNames.class.getClassLoader() : loader));
    } catch (ClassNotFoundException | LinkageError e) {
      handler = false;
    }
    if (IS_HANDLER.size() >= MAX_CACHED) {
      IS_HANDLER.clear();
    }
    IS_HANDLER.put(className, handler);
    return handler;
  }
}
