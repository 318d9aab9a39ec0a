package dev.stability.reliability;

import java.util.List;

/**
 * What an error body must never contain: stack frames, exception class names or the handler's
 * message.
 */
final class BodyChecks {
  private static final List<String> FORBIDDEN =
      List.of(
          AppHandler.SECRET,
          "Exception",
          "\tat ",
          "at io.netty",
          "at java.",
          "at dev.stability",
          ".java:",
          "Caused by");

  private BodyChecks() {}

  static boolean leaksInternals(String body) {
    for (String f : FORBIDDEN) {
      if (body.contains(f)) {
        return true;
      }
    }
    return false;
  }
}
