package dev.stability.testkit.alignment;

import static dev.stability.testkit.alignment.Times.format;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks every {@link AlignmentRule} against a {@link TimeoutLayers} model and returns what is
 * broken.
 *
 * <p>Rules whose numbers are unknown (no header-read timeout given, no upstream keep-alive) are
 * skipped, never guessed. Use {@link TimeoutAssertions#assertThatTimeouts} in tests; this class is
 * for tools that want the list.
 */
public final class TimeoutAlignment {
  private TimeoutAlignment() {}

  /**
   * Returns every violated rule, outermost layer first; empty when the layers are aligned.
   *
   * @param layers the model
   * @return the violations
   */
  public static List<AlignmentViolation> check(TimeoutLayers layers) {
    List<AlignmentViolation> out = new ArrayList<>();
    ServerTimeouts server = layers.server();
    Duration request = server.requestTimeout();
    server
        .maxRequestTimeout()
        .ifPresent(
            max -> {
              if (request.compareTo(max) > 0) {
                out.add(
                    new AlignmentViolation(
                        AlignmentRule.SERVER_TIMEOUT_WITHIN_MAX,
                        "server",
                        "<= " + format(max) + " (max)",
                        format(request) + " (request timeout)",
                        "lower the request timeout or raise the cap"));
              }
            });
    server
        .headerReadTimeout()
        .ifPresent(
            header -> {
              if (header.compareTo(request) >= 0) {
                out.add(
                    new AlignmentViolation(
                        AlignmentRule.HEADER_READ_BEFORE_REQUEST,
                        "server",
                        "< " + format(request) + " (request timeout)",
                        format(header) + " (header-read timeout)",
                        "cut slow request heads off sooner than the request timeout"));
              }
            });
    HandlerBudget handler = layers.handler();
    Duration budget = handler.budgetUnder(request);
    Duration margin = handler.marginUnder(request);
    if (budget.compareTo(request) >= 0 || budget.isNegative() || budget.isZero()) {
      out.add(
          new AlignmentViolation(
              AlignmentRule.HANDLER_INSIDE_REQUEST,
              "handler",
              "0 < budget < " + format(request) + " (request timeout)",
              format(budget) + " (handler budget)",
              "derive the handler budget from the request deadline: ctx.budget(margin)"));
    } else if (margin.compareTo(handler.minimumMargin()) < 0) {
      out.add(
          new AlignmentViolation(
              AlignmentRule.HANDLER_MARGIN,
              "handler",
              ">= " + format(handler.minimumMargin()) + " (minimum margin)",
              format(margin) + " = " + format(request) + " - " + format(budget),
              "keep more time back to write the handler's own answer"));
    }
    for (ClientTimeouts client : layers.clients()) {
      checkClient(client, budget, out);
    }
    if (layers.clientsInSequence() && layers.clients().size() > 1) {
      checkSequence(layers.clients(), budget, out);
    }
    return out;
  }

  private static void checkClient(
      ClientTimeouts client, Duration budget, List<AlignmentViolation> out) {
    String layer = "client " + client.name();
    List<String> unbounded = new ArrayList<>();
    if (client.perTryTimeout().isEmpty() || Times.isUnbounded(client.perTryTimeout().get())) {
      unbounded.add("per-try");
    }
    for (Map.Entry<String, Duration> phase : client.phases().entrySet()) {
      if (Times.isUnbounded(phase.getValue())) {
        unbounded.add(phase.getKey());
      }
    }
    if (!unbounded.isEmpty()) {
      out.add(
          new AlignmentViolation(
              AlignmentRule.CLIENT_HAS_TIMEOUTS,
              layer,
              "a finite timeout everywhere",
              "none for " + String.join(", ", unbounded),
              "set every phase and a per-try timeout"));
    }
    client
        .perTryTimeout()
        .filter(t -> !Times.isUnbounded(t))
        .ifPresent(
            perTry -> {
              if (perTry.compareTo(budget) > 0) {
                out.add(
                    new AlignmentViolation(
                        AlignmentRule.PER_TRY_WITHIN_BUDGET,
                        layer,
                        "<= " + format(budget) + " (handler budget)",
                        format(perTry) + " (per-try timeout)",
                        "shorten the per-try timeout below the handler budget"));
              } else {
                Duration total = client.worstCaseTotal().orElseThrow();
                if (total.compareTo(budget) > 0) {
                  out.add(
                      new AlignmentViolation(
                          AlignmentRule.CLIENT_TOTAL_WITHIN_BUDGET,
                          layer,
                          "<= " + format(budget) + " (handler budget)",
                          describeTotal(client, perTry, total)
                              + "; only "
                              + attemptsThatFit(client, perTry, budget)
                              + " of "
                              + client.maxAttempts()
                              + " attempts fit",
                          "fewer attempts, a shorter per-try timeout or shorter backoffs"));
                }
              }
              for (Map.Entry<String, Duration> phase : client.phases().entrySet()) {
                Duration limit = phase.getValue();
                if (!Times.isUnbounded(limit) && limit.compareTo(perTry) > 0) {
                  out.add(
                      new AlignmentViolation(
                          AlignmentRule.PHASE_WITHIN_PER_TRY,
                          layer,
                          "<= " + format(perTry) + " (per-try timeout)",
                          format(limit) + " (" + phase.getKey() + ")",
                          "a phase can never use more than its attempt: lower it to make the limit honest"));
                }
              }
            });
    if (client.idleTimeout().isPresent() && client.upstreamKeepAlive().isPresent()) {
      Duration idle = client.idleTimeout().get();
      Duration keepAlive = client.upstreamKeepAlive().get();
      if (idle.compareTo(keepAlive) >= 0) {
        out.add(
            new AlignmentViolation(
                AlignmentRule.IDLE_BELOW_UPSTREAM_KEEP_ALIVE,
                layer,
                "< " + format(keepAlive) + " (upstream keep-alive)",
                format(idle) + " (client idle timeout)",
                "drop idle connections before the server does, or requests meet closed connections"));
      }
    }
  }

  private static void checkSequence(
      List<ClientTimeouts> clients, Duration budget, List<AlignmentViolation> out) {
    Duration sum = Duration.ZERO;
    List<String> parts = new ArrayList<>();
    for (ClientTimeouts c : clients) {
      Optional<Duration> total = c.worstCaseTotal().filter(t -> !Times.isUnbounded(t));
      if (total.isEmpty()) {
        return; // an unbounded client is already reported by client-has-timeouts
      }
      sum = sum.plus(total.get());
      parts.add(c.name() + " " + format(total.get()));
    }
    if (sum.compareTo(budget) > 0) {
      out.add(
          new AlignmentViolation(
              AlignmentRule.SEQUENTIAL_CLIENTS_WITHIN_BUDGET,
              "clients in sequence",
              "<= " + format(budget) + " (handler budget)",
              String.join(" + ", parts) + " = " + format(sum),
              "give each call its share of the budget, or call them in parallel"));
    }
  }

  private static String describeTotal(ClientTimeouts client, Duration perTry, Duration total) {
    StringBuilder sb =
        new StringBuilder().append(client.maxAttempts()).append(" x ").append(format(perTry));
    for (Duration b : client.backoffs()) {
      if (!b.isZero()) {
        sb.append(" + ").append(format(b));
      }
    }
    return sb.append(" = ").append(format(total)).toString();
  }

  private static int attemptsThatFit(ClientTimeouts client, Duration perTry, Duration budget) {
    Duration used = perTry;
    int n = 1;
    for (Duration backoff : client.backoffs()) {
      used = used.plus(backoff).plus(perTry);
      if (used.compareTo(budget) > 0) {
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * Renders violations as a fixed-width table, one row per distinct violation with its numbers and
   * a fix: violations that differ only in their layer share a row, and each fix is listed once.
   *
   * @param all the violations
   * @return the table, or an empty string when there are none
   */
  public static String table(List<AlignmentViolation> all) {
    if (all.isEmpty()) {
      return "";
    }
    List<AlignmentViolation> violations = distinct(all);
    String[] head = {"rule", "layer", "expected", "actual"};
    int[] width = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      width[i] = head[i].length();
    }
    for (AlignmentViolation v : violations) {
      String[] row = row(v);
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendRow(sb, head, width);
    String[] rule = new String[head.length];
    for (int i = 0; i < rule.length; i++) {
      rule[i] = "-".repeat(width[i]);
    }
    appendRow(sb, rule, width);
    for (AlignmentViolation v : violations) {
      appendRow(sb, row(v), width);
    }
    sb.append("fixes:\n");
    Map<String, List<String>> fixes = new java.util.LinkedHashMap<>();
    for (AlignmentViolation v : violations) {
      fixes.computeIfAbsent(v.rule().id() + "\0" + v.fix(), k -> new ArrayList<>()).add(v.layer());
    }
    fixes.forEach(
        (key, layers) -> {
          String[] parts = key.split("\0", 2);
          sb.append("  ")
              .append(parts[0])
              .append(" [")
              .append(String.join(", ", layers))
              .append("]: ")
              .append(parts[1])
              .append('\n');
        });
    return sb.toString();
  }

  /** Merges rows that differ only in their layer: one row per distinct violation. */
  static List<AlignmentViolation> distinct(List<AlignmentViolation> violations) {
    Map<List<Object>, List<AlignmentViolation>> groups = new java.util.LinkedHashMap<>();
    for (AlignmentViolation v : violations) {
      groups
          .computeIfAbsent(
              List.of(v.rule(), v.expected(), v.actual(), v.fix()), k -> new ArrayList<>())
          .add(v);
    }
    List<AlignmentViolation> out = new ArrayList<>();
    for (List<AlignmentViolation> g : groups.values()) {
      AlignmentViolation v = g.get(0);
      String layers =
          g.stream().map(AlignmentViolation::layer).distinct().collect(Collectors.joining(", "));
      out.add(new AlignmentViolation(v.rule(), layers, v.expected(), v.actual(), v.fix()));
    }
    return out;
  }

  private static String[] row(AlignmentViolation v) {
    return new String[] {v.rule().id(), v.layer(), v.expected(), v.actual()};
  }

  private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
    sb.append("  ");
    for (int i = 0; i < cells.length; i++) {
      sb.append(cells[i]);
      if (i < cells.length - 1) {
        sb.append(" ".repeat(width[i] - cells[i].length() + 2));
      }
    }
    sb.append('\n');
  }
}
