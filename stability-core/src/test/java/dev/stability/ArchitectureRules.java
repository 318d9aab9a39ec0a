package dev.stability;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The architecture rules every module checks on its own main classes (shipped in stability-core's
 * test-jar, so each module's {@code *ArchitectureTest} applies the same rules; the rules across
 * modules live in the examples module, the only one that sees them all).
 *
 * <p>Terms, for this project's layout:
 *
 * <ul>
 *   <li>An <em>internal package</em> is one whose last segment is {@code internal}. {@code
 *       dev.stability.internal} holds the helpers core shares with the project's other modules (as
 *       grpc's {@code io.grpc.internal}); every other internal package, e.g. {@code
 *       dev.stability.testkit.internal}, belongs to the package above it: only that package and its
 *       subpackages may use it.
 *   <li>An <em>implementation package</em> is an internal package: its package-info says it may
 *       change without notice. "No public class in an implementation package" means: a public
 *       top-level type there must be needed by another package (Java has no module-private
 *       visibility), or be instantiated by a framework by name (a {@code ServiceLoader} provider, a
 *       Netty factory), which shows as a supertype outside {@code dev.stability}. A public type
 *       only its own package uses must be package-private.
 *   <li>No package cycles: no two packages of {@code dev.stability} depend on each other, directly
 *       or through others.
 * </ul>
 */
public final class ArchitectureRules {
  private ArchitectureRules() {}

  /**
   * Imports the main (non-test) classes under {@code dev.stability} on this module's test class
   * path.
   *
   * @return the classes
   */
  public static JavaClasses mainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
        .withImportOption(location -> !location.contains("-tests.jar")) // stability-core's test-jar
        .importPackages("dev.stability");
  }

  /**
   * Returns the rule that no package under {@code root} takes part in a cycle.
   *
   * @param root e.g. {@code dev.stability}
   * @return the rule
   */
  public static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(**)").should().beFreeOfCycles().allowEmptyShould(true);
  }

  /**
   * Returns the rule that an internal package other than {@code dev.stability.internal} is used
   * only by the package above it and that package's subpackages.
   *
   * @return the rule
   */
  public static ArchRule internalPackagesStayWithTheirOwner() {
    return classes()
        .that()
        .resideInAPackage("dev.stability..internal")
        .should(
            new ArchCondition<>(
                "be used only by the package above their internal package (or, for dev.stability.internal, by "
                    + "dev.stability)") {
              @Override
              public void check(JavaClass target, ConditionEvents events) {
                String owner = ownerOf(target.getPackageName());
                for (Dependency d : target.getDirectDependenciesToSelf()) {
                  String from = d.getOriginClass().getPackageName();
                  if (!from.equals(owner) && !from.startsWith(owner + ".")) {
                    events.add(
                        SimpleConditionEvent.violated(
                            d,
                            d.getDescription()
                                + " reaches into "
                                + target.getName()
                                + ", which only "
                                + owner
                                + " may use"));
                  }
                }
              }
            })
        .allowEmptyShould(true);
  }

  /**
   * Returns the rule that a public top-level type in an implementation package is needed elsewhere
   * (see the class comment).
   *
   * @return the rule
   */
  public static ArchRule noNeedlesslyPublicInternalType() {
    return classes()
        .that()
        .resideInAPackage("..internal")
        .and()
        .arePublic()
        .and()
        .areTopLevelClasses()
        .should(
            new ArchCondition<>(
                "be used from another package or be a framework-instantiated provider") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                boolean usedElsewhere =
                    c.getDirectDependenciesToSelf().stream()
                        .anyMatch(
                            d -> !d.getOriginClass().getPackageName().equals(c.getPackageName()));
                boolean provider =
                    c.getAllRawSuperclasses().stream().anyMatch(ArchitectureRules::isForeign)
                        || c.getAllRawInterfaces().stream().anyMatch(ArchitectureRules::isForeign);
                if (!usedElsewhere && !provider) {
                  events.add(
                      SimpleConditionEvent.violated(
                          c,
                          c.getName()
                              + " is public but only "
                              + c.getPackageName()
                              + " uses it: make it package-private"));
                }
              }
            })
        .allowEmptyShould(true);
  }

  /**
   * Returns the rule that no class under {@code dev.stability} depends on a class in any of {@code
   * packages}.
   *
   * @param reason why, for the failure message
   * @param packages ArchUnit package patterns, e.g. {@code io.netty..}
   * @return the rule
   */
  public static ArchRule noDependencyOn(String reason, String... packages) {
    return noClasses()
        .that()
        .resideInAPackage("dev.stability..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages)
        .because(reason);
  }

  /**
   * Returns classes under {@code dev.stability} whose package starts with {@code prefix}.
   *
   * @param prefix a package name
   * @return the predicate
   */
  public static DescribedPredicate<JavaClass> inPackageTree(String prefix) {
    return DescribedPredicate.describe(
        "in " + prefix + "..",
        c -> c.getPackageName().equals(prefix) || c.getPackageName().startsWith(prefix + "."));
  }

  private static boolean isForeign(JavaClass type) {
    return !type.getPackageName().startsWith("dev.stability")
        && !type.getName().equals(Object.class.getName());
  }

  private static String ownerOf(String internalPackage) {
    String owner = internalPackage.substring(0, internalPackage.length() - ".internal".length());
    return owner;
  }
}
