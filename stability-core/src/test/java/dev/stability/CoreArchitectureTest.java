package dev.stability;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ArchitectureRules} on stability-core, plus core's own: it never needs Netty
 * or JUnit.
 */
class CoreArchitectureTest {
  private static final JavaClasses CORE = ArchitectureRules.mainClasses();

  @Test
  void coreNeverImportsNettyOrJunit() {
    ArchitectureRules.noDependencyOn(
            "core must run without Netty and outside tests (STYLE 1)",
            "io.netty..",
            "org.junit..",
            "org.opentest4j..",
            "org.assertj..")
        .check(CORE);
  }

  @Test
  void corePackagesHaveNoCycle() {
    ArchitectureRules.noPackageCycles("dev.stability").check(CORE);
  }

  @Test
  void coreInternalPackagesAreUsedOnlyByTheirOwner() {
    ArchitectureRules.internalPackagesStayWithTheirOwner().check(CORE);
  }

  @Test
  void corePublicInternalTypesAreNeededElsewhere() {
    ArchitectureRules.noNeedlesslyPublicInternalType().check(CORE);
  }

  @Test
  void coreHasClassesToCheck() {
    org.assertj.core.api.Assertions.assertThat(CORE.containPackage("dev.stability.context"))
        .isTrue();
  }
}
