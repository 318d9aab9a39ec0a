package dev.stability.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.stability.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} on stability-opentelemetry's own packages. */
class OpenTelemetryArchitectureTest {
  private static final JavaClasses OTEL =
      ArchitectureRules.mainClasses()
          .that(ArchitectureRules.inPackageTree("dev.stability.opentelemetry"));

  @Test
  void opentelemetryPackagesHaveNoCycle() {
    ArchitectureRules.noPackageCycles("dev.stability.opentelemetry").check(OTEL);
  }

  @Test
  void opentelemetryUsesNoInternalPackageOfAnotherModule() {
    ArchitectureRules.internalPackagesStayWithTheirOwner().check(OTEL);
  }

  @Test
  void opentelemetryNeedsTheApiOnlyNeverTheSdkNorTheServersInternals() {
    ArchitectureRules.noDependencyOn(
            "the application chooses the SDK or the agent; the server's handlers are its own",
            "io.opentelemetry.sdk..",
            "dev.stability.internal..")
        .check(OTEL);
  }

  @Test
  void opentelemetryHasClassesToCheck() {
    assertThat(OTEL.containPackage("dev.stability.opentelemetry")).isTrue();
  }
}
