package dev.stability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTagsTest {
  private final RouteTags tags = new RouteTags("test.meter");

  @Test
  void routesWithinTheBoundsAreKeptAndRepeatsStayKeptAfterTheBoundIsReached() {
    for (int i = 0; i < RouteTags.MAX_ROUTES; i++) {
      assertThat(tags.tag("/r" + i)).isEqualTo("/r" + i);
    }

    assertThat(tags.tag("/new")).isEqualTo(RouteTags.OTHER);
    assertThat(tags.tag("/r7")).isEqualTo("/r7");
  }

  @Test
  void aRouteLongerThanTheLimitIsOther() {
    assertThat(tags.tag("x".repeat(RouteTags.MAX_ROUTE_LENGTH)))
        .hasSize(RouteTags.MAX_ROUTE_LENGTH);
    assertThat(tags.tag("x".repeat(RouteTags.MAX_ROUTE_LENGTH + 1))).isEqualTo(RouteTags.OTHER);
  }
}
