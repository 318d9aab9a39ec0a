package dev.stability.testkit.pipeline;

import dev.stability.chain.ChainTracker;
import dev.stability.chain.StageStats;
import dev.stability.chain.ViolationListener;
import dev.stability.chain.ViolationType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Drives HTTP/1.1 requests into a server pipeline held by an {@code EmbeddedChannel} and reads back
 * what it writes, so that a test can assert one complete response per request, the statuses, no
 * chain violations and no request buffer left unreleased.
 *
 * <pre>{@code
 * EmbeddedChannel ch = time.channel();               // VirtualTimeExtension: frozen, virtual time
 * guards.install(ch.pipeline()); ch.pipeline().addLast(new MyHandler());
 * PipelineProbe probe = PipelineProbe.of(ch);
 * probe.get("/slow");
 * time.advance(Duration.ofSeconds(10));
 * PipelineAssertions.assertThat(probe).answeredEachRequestOnce().hasStatuses(504).isClean();
 * }</pre>
 *
 * <p>When the pipeline decodes bytes (it holds an HTTP server codec) requests are encoded onto the
 * wire and responses decoded from it, exactly as a socket would; otherwise request objects are
 * written in and response objects read out. Request objects written in are kept to check that the
 * pipeline released them. Give {@link #violationListener()} to your {@code ChainTracker} to have
 * its violations fail the probe too. Not thread-safe: use it from the test thread (EmbeddedChannel
 * runs everything there).
 */
public final class PipelineProbe implements AutoCloseable {
  private final EmbeddedChannel channel;
  private final boolean wire;
  private final EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
  private final MethodAwareResponseDecoder responseDecoder = new MethodAwareResponseDecoder();
  private final EmbeddedChannel decoder = new EmbeddedChannel(responseDecoder);
  private final List<String> sent = new ArrayList<>();
  private final List<FullHttpRequest> written = new ArrayList<>();
  private final ResponseAssembler assembler = new ResponseAssembler();
  private final List<String> chainViolations = new CopyOnWriteArrayList<>();
  private final Map<ChainTracker, Map<String, Long>> watched = new LinkedHashMap<>();

  private PipelineProbe(EmbeddedChannel channel) {
    this.channel = channel;
    this.wire =
        channel.pipeline().get(HttpServerCodec.class) != null
            || channel.pipeline().get(HttpRequestDecoder.class) != null;
  }

  /**
   * Returns a probe on {@code channel}; the pipeline should be complete.
   *
   * @param channel the channel holding the server pipeline under test
   * @return the probe
   */
  public static PipelineProbe of(EmbeddedChannel channel) {
    return new PipelineProbe(Objects.requireNonNull(channel, "channel"));
  }

  /**
   * Sends a {@code GET} with the given headers as name-value pairs.
   *
   * @param uri the request target
   * @param headerNamesAndValues e.g. {@code "x-request-timeout", "200m"}
   * @return this probe
   */
  public PipelineProbe get(String uri, String... headerNamesAndValues) {
    if (headerNamesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "headerNamesAndValues: "
              + headerNamesAndValues.length
              + " strings (expected: name-value pairs)");
    }
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    request.headers().set(HttpHeaderNames.HOST, "probe");
    for (int i = 0; i < headerNamesAndValues.length; i += 2) {
      request.headers().add(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
    }
    return send(request);
  }

  /**
   * Sends a request; the probe takes ownership of it. On the wire a body without a length gets a
   * {@code content-length}.
   *
   * @param request the request
   * @return this probe
   */
  public PipelineProbe send(FullHttpRequest request) {
    Objects.requireNonNull(request, "request");
    sent.add(request.method() + " " + request.uri());
    if (wire) {
      if (!HttpUtil.isContentLengthSet(request)
          && !HttpUtil.isTransferEncodingChunked(request)
          && request.content().isReadable()) {
        HttpUtil.setContentLength(request, request.content().readableBytes());
      }
      responseDecoder.sent(request.method());
      encoder.writeOutbound(request);
      for (Object bytes; (bytes = encoder.readOutbound()) != null; ) {
        channel.writeInbound(bytes);
      }
    } else {
      written.add(request);
      channel.writeInbound(request);
    }
    drain();
    return this;
  }

  /**
   * Runs the channel's pending tasks and reads everything written so far.
   *
   * @return the responses read so far, in order
   */
  public List<ProbeResponse> responses() {
    drain();
    return assembler.responses();
  }

  /** Returns the requests sent so far, as "METHOD uri". */
  public List<String> requests() {
    return List.copyOf(sent);
  }

  /**
   * Also watches {@code tracker}, e.g. {@code guards.chain()} of a stability server: violations it
   * counts from now on fail the probe's assertions.
   *
   * @param tracker the chain tracker of the pipeline under test
   * @return this probe
   */
  public PipelineProbe watching(ChainTracker tracker) {
    watched.put(Objects.requireNonNull(tracker, "tracker"), counts(tracker));
    return this;
  }

  /**
   * Returns the chain violations: those reported to {@link #violationListener()} and those newly
   * counted by the {@linkplain #watching watched} trackers.
   *
   * @return one sentence per violation
   */
  public List<String> chainViolations() {
    drain();
    List<String> out = new ArrayList<>(chainViolations);
    for (Map.Entry<ChainTracker, Map<String, Long>> w : watched.entrySet()) {
      Map<String, Long> now = counts(w.getKey());
      for (Map.Entry<String, Long> c : now.entrySet()) {
        long added = c.getValue() - w.getValue().getOrDefault(c.getKey(), 0L);
        if (added > 0) {
          String[] typeAndStage = c.getKey().split("@", 2);
          out.add(
              "chain '"
                  + w.getKey().name()
                  + "' counted "
                  + added
                  + " new "
                  + typeAndStage[0]
                  + " violation"
                  + (added == 1 ? "" : "s")
                  + " at stage '"
                  + typeAndStage[1]
                  + "'");
        }
      }
    }
    return out;
  }

  private static Map<String, Long> counts(ChainTracker tracker) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (StageStats stage : tracker.report().stages()) {
      for (Map.Entry<ViolationType, Long> e : stage.violationsByType().entrySet()) {
        counts.put(e.getKey() + "@" + stage.name(), e.getValue());
      }
    }
    return counts;
  }

  /**
   * Returns integrity problems seen on the wire (responses with no request, writes after the end).
   */
  public List<String> wireViolations() {
    drain();
    return assembler.wireViolations();
  }

  /**
   * Returns a listener to give a {@code ChainTracker}; each violation it reports fails the probe's
   * assertions.
   *
   * @return the listener
   */
  public ViolationListener violationListener() {
    return v -> chainViolations.add(v.message());
  }

  /**
   * Describes each request object the pipeline has not released, e.g. {@code "#2 GET /x (refCnt
   * 1)"}.
   *
   * @return one line per unreleased request; always empty in wire mode, where the codec owns the
   *     buffers
   */
  public List<String> unreleasedRequests() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      FullHttpRequest r = written.get(i);
      if (r.refCnt() > 0) {
        out.add("#" + (i + 1) + " " + r.method() + " " + r.uri() + " (refCnt " + r.refCnt() + ")");
      }
    }
    return out;
  }

  void drain() {
    channel.runPendingTasks();
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      if (wire && msg instanceof ByteBuf) {
        decoder.writeInbound(msg);
        for (Object decoded; (decoded = decoder.readInbound()) != null; ) {
          assembler.accept(decoded, sent);
        }
      } else {
        assembler.accept(msg, sent);
      }
    }
  }

  /**
   * Describes the response started but not ended yet, if any.
   *
   * @return e.g. {@code "200 to request #1"}, or {@code null}
   */
  public String unfinishedResponse() {
    drain();
    return assembler.unfinished();
  }

  /** Releases the probe's own codec channels; the probed channel is left to its owner. */
  @Override
  public void close() {
    encoder.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
  }

  @Override
  public String toString() {
    return "PipelineProbe(sent " + sent + ", responses " + assembler.responses() + ")";
  }
}
