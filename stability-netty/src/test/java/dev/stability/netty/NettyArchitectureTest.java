package dev.stability.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.stability.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} on stability-netty's own packages. */
class NettyArchitectureTest {
  private static final JavaClasses NETTY = ArchitectureRules.mainClasses().that(
      ArchitectureRules.inPackageTree("dev.stability.netty"));
  // TODO(issue 13, server part): the server package still has the server <-> server.internal cycle and a public
  // HandlerNames only server.internal uses; drop this narrowing once server.internal is folded into server.
  private static final JavaClasses CHECKED = NETTY.that(
      com.tngtech.archunit.base.DescribedPredicate.not(ArchitectureRules.inPackageTree("dev.stability.netty.server")));

  @Test
  void nettyPackagesHaveNoCycle() {
    ArchitectureRules.noPackageCycles("dev.stability.netty").check(CHECKED);
  }

  @Test
  void nettyInternalPackagesAreUsedOnlyByTheirOwner() {
    ArchitectureRules.internalPackagesStayWithTheirOwner().check(NETTY);
  }

  @Test
  void nettyPublicInternalTypesAreNeededElsewhere() {
    ArchitectureRules.noNeedlesslyPublicInternalType().check(CHECKED);
  }

  @Test
  void theClientAndTheServerDoNotDependOnEachOther() {
    ArchitectureRules.noDependencyOn("a client-only or server-only user loads one half",
        "dev.stability.netty.server..").check(NETTY.that(ArchitectureRules.inPackageTree("dev.stability.netty.client")));
    ArchitectureRules.noDependencyOn("a client-only or server-only user loads one half",
        "dev.stability.netty.client..").check(NETTY.that(ArchitectureRules.inPackageTree("dev.stability.netty.server")));
  }

  @Test
  void nettyHasClassesToCheck() {
    assertThat(NETTY.containPackage("dev.stability.netty.client")).isTrue();
  }
}
