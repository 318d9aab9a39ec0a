package dev.stability.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.stability.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} on stability-netty's own packages. */
class NettyArchitectureTest {
  private static final JavaClasses NETTY =
      ArchitectureRules.mainClasses().that(ArchitectureRules.inPackageTree("dev.stability.netty"));
  private static final JavaClasses CHECKED =
      NETTY; // the server package included: server.internal is folded in

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
    ArchitectureRules.noDependencyOn(
            "a client-only or server-only user loads one half", "dev.stability.netty.server..")
        .check(NETTY.that(ArchitectureRules.inPackageTree("dev.stability.netty.client")));
    ArchitectureRules.noDependencyOn(
            "a client-only or server-only user loads one half", "dev.stability.netty.client..")
        .check(NETTY.that(ArchitectureRules.inPackageTree("dev.stability.netty.server")));
  }

  @Test
  void nettyHasClassesToCheck() {
    assertThat(NETTY.containPackage("dev.stability.netty.client")).isTrue();
  }
}
