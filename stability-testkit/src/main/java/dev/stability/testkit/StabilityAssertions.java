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
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThatTimeouts(serverConfig, HandlerBudget.margin(ofMillis(100)), clientConfig).areAligned();
 * assertThatProbe(probe).isClean();
 * assertThat(list).hasSize(2); // AssertJ's
 * }</pre>
 *
 * <p>Every entry point has its own name ({@code assertThatProbe}, {@code assertThatRun}, {@code
 * assertThatContext}, {@code assertThatCapture}), so the wildcard import mixes with AssertJ's usual
 * single-name {@code assertThat} import: a single-name import hides every wildcard-imported method
 * of that name, which made the old {@code assertThat} overloads here unusable next to AssertJ's.
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
   * Starts timeout-alignment assertions on stability's configurations, naming each client by its
   * key in failure tables.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the clients the handler calls, by name
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(
      ServerConfig server, HandlerBudget handler, java.util.Map<String, HttpClientConfig> clients) {
    return TimeoutAssertions.assertThatTimeouts(server, handler, clients);
  }

  /**
   * Starts assertions on a runtime alignment run.
   *
   * @param result the run
   * @return the assertion
   */
  public static RuntimeAlignmentAssert assertThatRun(RuntimeAlignmentResult result) {
    return RuntimeAlignmentAssert.assertThat(result);
  }

  /**
   * Starts assertions on a runtime alignment run.
   *
   * @param result the run
   * @return the assertion
   * @deprecated hidden by AssertJ's single-name {@code assertThat} import: use {@link
   *     #assertThatRun}
   */
  @Deprecated(since = "0.2.0")
  public static RuntimeAlignmentAssert assertThat(RuntimeAlignmentResult result) {
    return assertThatRun(result);
  }

  /**
   * Starts assertions on a request context.
   *
   * @param context the context
   * @return the assertion
   */
  public static RequestContextAssert assertThatContext(RequestContext context) {
    return ContextAssertions.assertThat(context);
  }

  /**
   * Starts assertions on a request context.
   *
   * @param context the context
   * @return the assertion
   * @deprecated hidden by AssertJ's single-name {@code assertThat} import: use {@link
   *     #assertThatContext}
   */
  @Deprecated(since = "0.2.0")
  public static RequestContextAssert assertThat(RequestContext context) {
    return assertThatContext(context);
  }

  /**
   * Starts assertions on what tasks ran with.
   *
   * @param capture the capture
   * @return the assertion
   */
  public static ContextCaptureAssert assertThatCapture(ContextCapture capture) {
    return ContextAssertions.assertThat(capture);
  }

  /**
   * Starts assertions on what tasks ran with.
   *
   * @param capture the capture
   * @return the assertion
   * @deprecated hidden by AssertJ's single-name {@code assertThat} import: use {@link
   *     #assertThatCapture}
   */
  @Deprecated(since = "0.2.0")
  public static ContextCaptureAssert assertThat(ContextCapture capture) {
    return assertThatCapture(capture);
  }

  /**
   * Starts assertions on a pipeline probe.
   *
   * @param probe the probe
   * @return the assertion
   */
  public static PipelineProbeAssert assertThatProbe(PipelineProbe probe) {
    return PipelineAssertions.assertThat(probe);
  }

  /**
   * Starts assertions on a pipeline probe.
   *
   * @param probe the probe
   * @return the assertion
   * @deprecated hidden by AssertJ's single-name {@code assertThat} import: use {@link
   *     #assertThatProbe}
   */
  @Deprecated(since = "0.2.0")
  public static PipelineProbeAssert assertThat(PipelineProbe probe) {
    return assertThatProbe(probe);
  }
}
