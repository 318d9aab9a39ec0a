package dev.stability.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.stability.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} on stability-testkit's own packages. */
class TestkitArchitectureTest {
  private static final JavaClasses TESTKIT =
      ArchitectureRules.mainClasses()
          .that(ArchitectureRules.inPackageTree("dev.stability.testkit"));

  @Test
  void testkitPackagesHaveNoCycle() {
    ArchitectureRules.noPackageCycles("dev.stability.testkit").check(TESTKIT);
  }

  @Test
  void testkitInternalPackagesAreUsedOnlyByTheirOwner() {
    ArchitectureRules.internalPackagesStayWithTheirOwner().check(TESTKIT);
  }

  @Test
  void testkitPublicInternalTypesAreNeededElsewhere() {
    ArchitectureRules.noNeedlesslyPublicInternalType().check(TESTKIT);
  }

  @Test
  void testkitHasClassesToCheck() {
    assertThat(TESTKIT.containPackage("dev.stability.testkit.internal")).isTrue();
  }
}
