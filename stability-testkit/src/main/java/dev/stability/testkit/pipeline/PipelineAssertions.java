package dev.stability.testkit.pipeline;

/** Entry point for pipeline assertions. */
public final class PipelineAssertions {
  private PipelineAssertions() {}

  /**
   * Starts assertions on what a probe saw.
   *
   * @param probe the probe
   * @return the assertion
   */
  public static PipelineProbeAssert assertThat(PipelineProbe probe) {
    return new PipelineProbeAssert(probe);
  }
}
