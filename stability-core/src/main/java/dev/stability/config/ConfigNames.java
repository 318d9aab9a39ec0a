package dev.stability.config;

import java.util.Objects;
import java.util.regex.Pattern;

/** Checks source names: they become metric tags and log text, so they are short and plain. */
final class ConfigNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ConfigNames() {}

  static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: '"
              + name
              + "' (expected: 1 to 64 of [A-Za-z0-9._-], "
              + "starting with a letter or digit)");
    }
    return name;
  }
}
