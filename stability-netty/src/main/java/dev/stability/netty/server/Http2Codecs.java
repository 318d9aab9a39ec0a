package dev.stability.netty.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;
import java.util.Locale;

/**
 * Builds the HTTP/2 frame codec of one server connection from {@link Http2Limits}: Netty's own
 * defences (max concurrent streams, header list size bounded while the block is read, the
 * RST_STREAM budget against rapid reset, queued control frames, empty DATA and small CONTINUATION
 * frames), each counted when it ends a connection or refuses a stream.
 *
 * <p>Netty enforces every limit while decoding; what it lacks is a meter. A connection error is
 * counted where the codec turns it into {@code GOAWAY} ({@code onConnectionError}, once per
 * connection); a refused stream, which Netty resets without telling the pipeline, is counted by a
 * frame "logger" that only looks at outbound RST_STREAM frames and logs nothing.
 */
final class Http2Codecs {
  private Http2Codecs() {}

  /** Returns a new server codec for one connection. */
  static Http2FrameCodec server(Http2Limits limits, ServerMetrics metrics) {
    Http2Settings settings =
        Http2Settings.defaultSettings()
            .maxConcurrentStreams(limits.maxConcurrentStreams())
            .maxHeaderListSize(limits.maxHeaderListSize());
    return new GuardedBuilder(metrics)
        .initialSettings(settings)
        .validateHeaders(true)
        .frameLogger(new RefusedStreamMeter(metrics))
        .decoderEnforceMaxRstFramesPerWindow(
            limits.maxResetsPerWindow(), limits.resetWindowSeconds())
        .encoderEnforceMaxQueuedControlFrames(limits.maxQueuedControlFrames())
        .decoderEnforceMaxConsecutiveEmptyDataFrames(limits.maxConsecutiveEmptyDataFrames())
        .decoderEnforceMaxSmallContinuationFrames(limits.maxSmallContinuationFrames())
        .gracefulShutdownTimeoutMillis(limits.goAwayGracePeriod().toMillis())
        .build();
  }

  /**
   * Returns the {@code reason} tag of the defence behind a connection error. Netty has no distinct
   * exception type per defence, so its messages (stable since 4.1.100) are matched.
   */
  static String reasonOf(Http2Exception e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("rst frames")) {
      return "rapid_reset";
    } else if (m.contains("control frames")) {
      return "control_frame_flood";
    } else if (m.contains("empty data frames")) {
      return "empty_data_flood";
    } else if (m.contains("continuation")) {
      return "continuation_flood";
    } else if (m.contains("header size exceeded")) {
      return "header_list_size";
    } else if (e.error() == Http2Error.ENHANCE_YOUR_CALM) {
      return "enhance_your_calm";
    }
    return e.error() == Http2Error.PROTOCOL_ERROR ? "protocol_error" : "other";
  }

  /** The builder, with a codec that counts the connection errors it answers with GOAWAY. */
  private static final class GuardedBuilder extends Http2FrameCodecBuilder {
    private final ServerMetrics metrics;

    GuardedBuilder(ServerMetrics metrics) {
      this.metrics = metrics;
      server(true);
    }

    @Override
    protected Http2FrameCodec build(
        Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      Http2FrameCodec codec =
          new Http2FrameCodec(
              encoder, decoder, settings, decoupleCloseAndGoAway(), flushPreface()) {
            @Override
            protected void onConnectionError(
                ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception e) {
              if (e != null && !connection().goAwaySent()) { // the first error ends it: count once
                metrics.http2GoAway(reasonOf(e));
              }
              super.onConnectionError(ctx, outbound, cause, e);
            }
          };
      codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
      return codec;
    }
  }

  /**
   * Counts the streams Netty refuses past {@code maxConcurrentStreams}; logs nothing (a frame
   * logger is the one hook Netty calls for the RST_STREAM it writes for a stream it never created).
   */
  private static final class RefusedStreamMeter extends Http2FrameLogger {
    private final ServerMetrics metrics;

    RefusedStreamMeter(ServerMetrics metrics) {
      super(LogLevel.TRACE, RefusedStreamMeter.class);
      this.metrics = metrics;
    }

    @Override
    public boolean isEnabled() {
      return false; // every other frame is neither logged nor formatted
    }

    @Override
    public void logRstStream(
        Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (direction == Direction.OUTBOUND && errorCode == Http2Error.REFUSED_STREAM.code()) {
        metrics.http2StreamReset("refused");
      }
    }
  }
}
