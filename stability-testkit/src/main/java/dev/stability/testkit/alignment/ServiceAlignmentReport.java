package dev.stability.testkit.alignment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ServiceAlignmentCheck} saw on each route of the user's service, and the distinct
 * violations: one row per kind of problem, listing every route it hit.
 *
 * @param routes one outcome per route, in the order they were given
 */
public record ServiceAlignmentReport(List<RouteOutcome> routes) {

  /**
   * Returns the outcome of one route.
   *
   * @param path the route's path
   * @return its outcome
   * @throws IllegalArgumentException when the check did not run that route
   */
  public RouteOutcome route(String path) {
    return routes.stream()
        .filter(r -> r.path().equals(path))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "path: " + path + " (expected: one of " + paths() + ")"));
  }

  /**
   * Returns the distinct violations, each with every route it hit; empty when every route is
   * aligned.
   *
   * @return the violations
   */
  public List<AlignmentViolation> violations() {
    Map<AlignmentRule, List<RouteOutcome>> byRule = new LinkedHashMap<>();
    for (RouteOutcome r : routes) {
      rule(r).ifPresent(rule -> byRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(r));
    }
    List<AlignmentViolation> out = new ArrayList<>();
    byRule.forEach((rule, hit) -> out.add(violation(rule, hit)));
    return out;
  }

  private static Optional<AlignmentRule> rule(RouteOutcome r) {
    if (r.upstreamCalls().isEmpty()) {
      return Optional.of(AlignmentRule.RUN_UPSTREAM_CALLED);
    }
    if (r.status().isEmpty()) {
      return Optional.of(AlignmentRule.RUN_CALLER_ANSWERED);
    }
    if (!r.marginKept()) { // checked first: it is why the server's timeout then fires first
      return Optional.of(AlignmentRule.RUN_MARGIN_KEPT);
    }
    if (r.gaveUpFirst().orElse(RuntimeAlignmentResult.Layer.SERVER_REQUEST)
        == RuntimeAlignmentResult.Layer.SERVER_REQUEST) {
      return Optional.of(AlignmentRule.RUN_INNER_LAYER_FIRST);
    }
    return Optional.empty();
  }

  private static AlignmentViolation violation(AlignmentRule rule, List<RouteOutcome> hit) {
    List<String> actual = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (RouteOutcome r : hit) {
      paths.add(r.path());
      actual.add(
          r.path()
              + " "
              + r.status().map(s -> "got " + s).orElse("got no answer")
              + " after "
              + Times.format(r.answeredAfter())
              + " of "
              + Times.format(r.routeTimeout()));
    }
    String layer = "route" + (paths.size() > 1 ? "s " : " ") + String.join(", ", paths);
    return switch (rule) {
      case RUN_UPSTREAM_CALLED ->
          new AlignmentViolation(
              rule,
              layer,
              "the handler calls the hung upstream",
              "no call reached it; " + String.join("; ", actual),
              "point the service's client at the FaultyUpstream's uri() for this check");
      case RUN_CALLER_ANSWERED ->
          new AlignmentViolation(
              rule,
              layer,
              "an answer within the caller's deadline",
              String.join("; ", actual),
              "answer on the request's deadline: a handler must finish its call under the context");
      case RUN_MARGIN_KEPT ->
          new AlignmentViolation(
              rule,
              layer,
              "a downstream deadline that keeps the route's handler margin",
              hit.stream()
                  .map(
                      r ->
                          r.path()
                              + " kept "
                              + r.keptMargin().map(Times::format).orElse("?")
                              + " of its "
                              + Times.format(r.handlerMargin())
                              + " margin")
                  .collect(java.util.stream.Collectors.joining("; ")),
              "take the downstream budget from ServerRequestContexts.handlerBudget(ctx), which"
                  + " keeps the configured margin");
      default ->
          new AlignmentViolation(
              rule,
              layer,
              "the client or the handler budget gives up before the route timeout",
              "the server's timeout fired first: " + String.join("; ", actual),
              "derive the downstream budget from the request: ctx.budget(margin), margin >= 50 ms,"
                  + " and fit the client's attempts inside it");
    };
  }

  /**
   * Returns the report as text: one line per route, then the violation table.
   *
   * @return several lines
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (RouteOutcome r : routes) {
      sb.append("  ").append(r).append('\n');
    }
    return sb.append(TimeoutAlignment.table(violations())).toString();
  }

  private List<String> paths() {
    return routes.stream().map(RouteOutcome::path).toList();
  }
}
