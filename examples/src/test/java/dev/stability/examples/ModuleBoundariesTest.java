package dev.stability.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.stability.ArchitectureRules;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules across modules, checked here because the examples module is the only one
 * whose class path holds every module's main classes (core, netty, testkit, jdbc and the examples
 * themselves).
 */
class ModuleBoundariesTest {
  private static final JavaClasses ALL = ArchitectureRules.mainClasses();
  private static final String[] NOT_CORE = {
    "dev.stability.netty..",
    "dev.stability.testkit..",
    "dev.stability.jdbc..",
    "dev.stability.etcd..",
    "dev.stability.examples.."
  };
  private static final Pattern MODULE = Pattern.compile("/(stability-[a-z]+|examples)/target/");

  @Test
  void coreDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.stability..")
        .and()
        .resideOutsideOfPackages(NOT_CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(NOT_CORE)
        .check(ALL);
  }

  @Test
  void productModulesNeverDependOnTheTestkitOrTheExamples() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.stability.netty..", "dev.stability.jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.stability.testkit..", "dev.stability.examples..")
        .check(ALL);
    noClasses()
        .that()
        .resideInAPackage("dev.stability.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.stability.examples..")
        .check(ALL);
  }

  @Test
  void internalPackagesAreUsedOnlyInsideTheirOwnerAcrossModules() {
    ArchitectureRules.internalPackagesStayWithTheirOwner().check(ALL);
  }

  @Test
  void noPackageCycleSpansModules() {
    ArchitectureRules.noPackageCycles("dev.stability").check(ALL);
  }

  @Test
  void everyPackageBelongsToOneModule() {
    Map<String, Set<String>> modulesByPackage = new TreeMap<>();
    for (JavaClass c : ALL) {
      String location = c.getSource().map(s -> s.getUri().toString()).orElse("");
      Matcher m = MODULE.matcher(location);
      modulesByPackage
          .computeIfAbsent(c.getPackageName(), k -> new TreeSet<>())
          .add(m.find() ? m.group(1) : location);
    }
    assertThat(modulesByPackage)
        .as("packages seen")
        .containsKeys(
            "dev.stability.context",
            "dev.stability.netty.client",
            "dev.stability.testkit",
            "dev.stability.jdbc",
            "dev.stability.examples");
    assertThat(modulesByPackage)
        .allSatisfy((pkg, modules) -> assertThat(modules).as(pkg).hasSize(1));
  }
}
