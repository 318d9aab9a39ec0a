package dev.stability.benchmarks.precision;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("argument: " + args[i] + " (expected: --name value)");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  int intValue(String name, int defaultValue) {
    String v = values.get(name);
    return v == null ? defaultValue : Integer.parseInt(v);
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
