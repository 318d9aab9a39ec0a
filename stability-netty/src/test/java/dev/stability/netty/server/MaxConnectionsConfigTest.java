package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MaxConnectionsConfigTest {
  @Test
  void defaultLeavesAQuarterOfTheDescriptorsAndAtLeast128() {
    assertThat(DescriptorLimit.derive(1024)).isEqualTo(768);
    assertThat(DescriptorLimit.derive(65_536)).isEqualTo(49_152);
    assertThat(DescriptorLimit.derive(200)).isEqualTo(72);
    assertThat(DescriptorLimit.derive(256)).isEqualTo(128);
    assertThat(DescriptorLimit.derive(50)).isEqualTo(1);
    assertThat(DescriptorLimit.derive(-1))
        .isEqualTo(ConnectionLimits.DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT);
  }

  @Test
  void defaultIsDerivedFromThisProcessLimit() {
    long limit = DescriptorLimit.read();
    assertThat(ServerConfig.ofDefaults().connectionLimits().maxConnections())
        .isEqualTo(DescriptorLimit.derive(limit))
        .isEqualTo(ConnectionLimits.defaultMaxConnections());
  }

  @Test
  void negativeMaxConnectionsIsRejectedWithTheExpectedRange() {
    assertThatThrownBy(() -> ConnectionLimits.builder().maxConnections(-1))
        .hasMessage("maxConnections: -1 (expected: >= 0)");
  }

  @Test
  void extensionMethodsMustBeTokens() {
    assertThatThrownBy(() -> ServerConfig.builder().extensionMethods(Set.of("BAD METHOD")))
        .hasMessage(
            "extensionMethods: \"BAD METHOD\" (expected: a method token of 1 to 32 characters)");
    assertThat(
            ServerConfig.builder().extensionMethods(Set.of("PURGE")).build().toBuilder()
                .build()
                .extensionMethods())
        .containsExactly("PURGE");
  }
}
