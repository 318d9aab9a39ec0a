package dev.stability.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped rules and dashboard pass Prometheus's own checks, and every alert is tested and
 * documented.
 */
class PrometheusRulesTest {
  @TempDir Path tmp;

  @Test
  void theRulesPassPromtoolCheck() throws Exception {
    assertThat(Promtool.run("check", "rules", ObservabilityFiles.RULES.toString()))
        .contains("SUCCESS");
  }

  @Test
  void theRuleUnitTestsPass() throws Exception {
    assertThat(Promtool.run("test", "rules", ObservabilityFiles.RULE_TESTS.toString()))
        .contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTest() {
    assertThat(ObservabilityFiles.alerts()).isNotEmpty();
    assertThat(ObservabilityFiles.testedAlerts()).containsAll(ObservabilityFiles.alerts());
  }

  @Test
  void everyAlertHasARunbookSectionInTheDocs() {
    String docs = ObservabilityFiles.read(ObservabilityFiles.DOCS);
    String rules = ObservabilityFiles.read(ObservabilityFiles.RULES);
    for (String alert : ObservabilityFiles.alerts()) {
      assertThat(docs)
          .as("docs/observability.md has a section for %s", alert)
          .contains("### " + alert + "\n");
      assertThat(rules)
          .contains("runbook: \"docs/observability.md#" + alert.toLowerCase(Locale.ROOT) + "\"");
    }
  }

  @Test
  void everyDashboardQueryIsValidPromQl() throws Exception {
    List<String> queries = ObservabilityFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(20);
    // promtool parses expressions only inside rules: wrap each query as a recording rule
    StringBuilder rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      String q = ObservabilityFiles.runnable(queries.get(i));
      assertThat(q).as("query %d has no Grafana variable left", i).doesNotContain("$");
      rules
          .append("  - record: dashboard:query")
          .append(i)
          .append("\n    expr: '")
          .append(q.replace("'", "''"))
          .append("'\n");
    }
    Path file = Files.writeString(tmp.resolve("dashboard-queries.yml"), rules.toString());
    assertThat(Promtool.run("check", "rules", file.toString()))
        .contains("SUCCESS: " + queries.size() + " rules");
  }
}
