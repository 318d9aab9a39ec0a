package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IncidentRouteTagTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Guard guard = Guard.of(GuardConfig.builder().meterRegistry(registry).build());

  private void failOn(String route) {
    guard.run(
        guard.bind(RequestContext.of("r"), route),
        () -> {
          throw new IllegalStateException("boom");
        });
  }

  private Set<String> routeTags() {
    return registry.find("stability.guard.incidents").counters().stream()
        .map(c -> c.getId().getTag("route"))
        .collect(Collectors.toSet());
  }

  @Test
  void aRawPathPerRequestCannotGrowTheIncidentCounterBeyondTheRouteBound() {
    for (int i = 0; i < 1_200; i++) {
      failOn("GET /users/" + i); // a caller that passes the raw path instead of the template
    }

    assertThat(routeTags())
        .hasSize(1_001)
        .contains("OTHER", "GET /users/0", "GET /users/999")
        .doesNotContain("GET /users/1000");
    Counter other = registry.get("stability.guard.incidents").tag("route", "OTHER").counter();
    assertThat(other.count()).isEqualTo(200.0);
  }

  @Test
  void anOverlongRouteIsTaggedOther() {
    failOn("GET /" + "a".repeat(200));
    failOn("GET /" + "a".repeat(123)); // 128 characters: kept

    assertThat(routeTags()).containsExactlyInAnyOrder("OTHER", "GET /" + "a".repeat(123));
  }

  @Test
  void theRouteOfABoundRequestIsReadBackAndAnUnboundOneHasNone() {
    dev.stability.context.RequestContext plain = dev.stability.context.RequestContext.of("r");
    dev.stability.context.RequestContext bound = Guard.ofDefaults().bind(plain);

    assertThat(Guard.routeOf(bound)).isEqualTo(Guard.UNKNOWN_ROUTE);
    Guard.route(bound, "/users/{id}");
    assertThat(Guard.routeOf(bound.withValue(dev.stability.context.ContextKey.of("k"), "v")))
        .isEqualTo("/users/{id}");
    assertThat(Guard.routeOf(plain)).isNull();
  }
}
