package dev.stability.testkit.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.testkit.Scenarios;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeakDetectionExtensionTest {

  @Test
  void failsATestThatLeaksABufferWithItsAllocationSite() {
    assertThat(Scenarios.failureOf(LeaksBuffer.class))
        .contains("expected no leaked resources but Netty reported")
        .contains("ByteBuf.release() was not called")
        .contains("LeaksBuffer.leaks");
  }

  @Test
  void passesATestThatReleasesItsBuffers() {
    assertThat(Scenarios.run(ReleasesBuffer.class)).isEmpty();
  }

  @Disabled("run through Scenarios only")
  static class LeaksBuffer {
    @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

    @Test
    void leaks() {
      ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      buf.writeInt(42); // a recorded access, then the last reference goes away unreleased
    }
  }

  @Disabled("run through Scenarios only")
  static class ReleasesBuffer {
    @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

    @Test
    void releases() {
      ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      buf.writeInt(42);
      buf.release();
    }
  }
}
