package dev.stability.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a scenario class (a static nested test class that surefire does not pick up by itself)
 * through the JUnit launcher, so that a test can assert that an extension fails a broken test with
 * a clear message.
 */
public final class Scenarios {
  private Scenarios() {}

  /** Returns the failures of the tests in {@code scenario}; empty when every test passed. */
  public static List<Throwable> run(Class<?> scenario) {
    List<Throwable> failures = new ArrayList<>();
    List<String> succeeded = new ArrayList<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(scenario))
            .configurationParameter(
                "junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
            .build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        request,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest()) {
              result.getThrowable().ifPresent(failures::add);
              return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
              succeeded.add(id.getDisplayName());
            } else {
              failures.add(
                  result.getThrowable().orElseGet(() -> new AssertionError("aborted: " + id)));
            }
          }
        });
    if (failures.isEmpty() && succeeded.isEmpty()) {
      failures.add(new AssertionError("scenario " + scenario.getName() + " ran no test"));
    }
    return failures;
  }

  /**
   * Runs {@code scenario} and returns the single failure message, failing when there is not exactly
   * one.
   */
  public static String failureOf(Class<?> scenario) {
    List<Throwable> failures = run(scenario);
    if (failures.size() != 1) {
      throw new AssertionError(
          "expected exactly one failure from " + scenario.getSimpleName() + " but got " + failures);
    }
    return failures.get(0).getMessage();
  }
}
