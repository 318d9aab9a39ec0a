package dev.stability.testkit;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.alignment.HandlerBudget;
import dev.stability.testkit.alignment.RuntimeAlignmentAssert;
import dev.stability.testkit.alignment.RuntimeAlignmentResult;
import dev.stability.testkit.alignment.TimeoutAlignmentAssert;
import dev.stability.testkit.alignment.TimeoutAssertions;
import dev.stability.testkit.alignment.TimeoutLayers;
import dev.stability.testkit.context.ContextAssertions;
import dev.stability.testkit.context.ContextCapture;
import dev.stability.testkit.context.ContextCaptureAssert;
import dev.stability.testkit.context.RequestContextAssert;
import dev.stability.testkit.pipeline.PipelineAssertions;
import dev.stability.testkit.pipeline.PipelineProbe;
import dev.stability.testkit.pipeline.PipelineProbeAssert;

/**
 * One static import for every testkit assertion; each method forwards to the assertion class of its
 * package.
 *
 * <pre>{@code
 * import static dev.stability.testkit.StabilityAssertions.*;
 *
 * assertThatTimeouts(serverConfig, HandlerBudget.margin(ofMillis(100)), clientConfig).areAligned();
 * assertThat(probe).isClean();
 * }</pre>
 *
 * <p>It mixes with AssertJ's own {@code assertThat}: the overloads here take testkit types only.
 */
public final class StabilityAssertions {
  private StabilityAssertions() {}

  /**
   * Starts timeout-alignment assertions on a hand-built model.
   *
   * @param layers the model
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(TimeoutLayers layers) {
    return TimeoutAssertions.assertThatTimeouts(layers);
  }

  /**
   * Starts timeout-alignment assertions on stability's server and client configurations.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the configurations of the clients the handler calls
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(
      ServerConfig server, HandlerBudget handler, HttpClientConfig... clients) {
    return TimeoutAssertions.assertThatTimeouts(server, handler, clients);
  }

  /**
   * Starts assertions on a runtime alignment run.
   *
   * @param result the run
   * @return the assertion
   */
  public static RuntimeAlignmentAssert assertThat(RuntimeAlignmentResult result) {
    return RuntimeAlignmentAssert.assertThat(result);
  }

  /**
   * Starts assertions on a request context.
   *
   * @param context the context
   * @return the assertion
   */
  public static RequestContextAssert assertThat(RequestContext context) {
    return ContextAssertions.assertThat(context);
  }

  /**
   * Starts assertions on what tasks ran with.
   *
   * @param capture the capture
   * @return the assertion
   */
  public static ContextCaptureAssert assertThat(ContextCapture capture) {
    return ContextAssertions.assertThat(capture);
  }

  /**
   * Starts assertions on a pipeline probe.
   *
   * @param probe the probe
   * @return the assertion
   */
  public static PipelineProbeAssert assertThat(PipelineProbe probe) {
    return PipelineAssertions.assertThat(probe);
  }
}
