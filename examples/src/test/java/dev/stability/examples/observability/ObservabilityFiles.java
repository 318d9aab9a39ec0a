package dev.stability.examples.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped dashboard and rules (observability/ at the repository root) and the metrics they
 * query.
 */
final class ObservabilityFiles {
  static final Path ROOT =
      Path.of(System.getProperty("user.dir")).getParent().resolve("observability");
  static final Path RULES = ROOT.resolve("prometheus/stability-rules.yml");
  static final Path RULE_TESTS = ROOT.resolve("prometheus/tests/stability-rules-test.yml");
  static final Path DASHBOARD = ROOT.resolve("grafana/stability.json");
  static final Path DOCS = ROOT.getParent().resolve("docs/observability.md");

  /** A metric name of ours or the JVM's, not a recording rule (those contain colons). */
  private static final Pattern METRIC =
      Pattern.compile("(?<![\\w:])((?:stability|http|jvm)_[a-zA-Z0-9_]+)(?![\\w:])");

  private static final Pattern EXPR = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ALERT =
      Pattern.compile("^\\s*- alert:\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern TESTED_ALERT =
      Pattern.compile("^\\s*alertname:\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern RATED =
      Pattern.compile("(?:rate|increase)\\(\\s*([a-zA-Z_][a-zA-Z0-9_]*)");

  private ObservabilityFiles() {}

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rules file without comments and annotation text: what Prometheus evaluates. */
  static String ruleExpressions() {
    StringBuilder b = new StringBuilder();
    for (String line : read(RULES).split("\n")) {
      String t = line.strip();
      if (!t.startsWith("#") && !t.startsWith("summary:") && !t.startsWith("runbook:")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  /** Every panel query of the dashboard, JSON-unescaped, with Grafana's variables as written. */
  static List<String> dashboardQueries() {
    List<String> out = new ArrayList<>();
    Matcher m = EXPR.matcher(read(DASHBOARD));
    while (m.find()) {
      out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return out;
  }

  /** A dashboard query with Grafana's variables replaced, as Prometheus can run it. */
  static String runnable(String query) {
    return query.replace("$__rate_interval", "1m").replace("$job", ".*").replace("$instance", ".*");
  }

  static Set<String> alerts() {
    return matches(ALERT, read(RULES));
  }

  static Set<String> testedAlerts() {
    return matches(TESTED_ALERT, read(RULE_TESTS));
  }

  /** Every metric the rules and the dashboard query. */
  static Set<String> queriedMetrics() {
    Set<String> out = matches(METRIC, ruleExpressions());
    for (String q : dashboardQueries()) {
      out.addAll(matches(METRIC, q));
    }
    return out;
  }

  /** The metrics that alerts and recording rules rate() or increase() over. */
  static Set<String> ratedByRules() {
    return matches(RATED, ruleExpressions());
  }

  private static Set<String> matches(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
