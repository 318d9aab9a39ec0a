package dev.stability.config;

import dev.stability.breaker.CircuitBreakerConfig;

/**
 * A tiny text format for tests: {@code failureRateThreshold=0.5}, parsed through the real builder.
 */
final class BreakerText {
  static final ConfigParser<CircuitBreakerConfig> PARSER =
      text -> {
        String[] kv = text.strip().split("=", 2);
        if (kv.length != 2 || !kv[0].equals("failureRateThreshold")) {
          throw new IllegalArgumentException(
              "text: '" + text.strip() + "' (expected: failureRateThreshold=<rate>)");
        }
        return CircuitBreakerConfig.builder()
            .failureRateThreshold(Double.parseDouble(kv[1]), 10)
            .build();
      };

  private BreakerText() {}
}
