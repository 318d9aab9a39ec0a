package dev.stability.netty.client;

import dev.stability.netty.tls.CertificatePins;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Opens connections through the DNS, CONNECT and TLS phases, each under {@code min(limit, remaining
 * - margin)}, and builds the pipeline: [TLS], {@link ResponseDecoder}, request encoder, {@link
 * StrayInputCloser}.
 */
final class ConnectionFactory {
  // Handler names follow the server's style: "stability." and one lowercase word.
  static final String TLS = "stability.tls";
  static final String ENCODER = "stability.encoder";

  private final HttpClientConfig config;
  private final Supplier<SslContext> sslContext;
  private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
  private final Bootstrap bootstrap;

  private final List<InetSocketAddress> nameServers;
  private final Supplier<CertificatePins> pins;
  private final AddressResolver resolver;

  ConnectionFactory(
      HttpClientConfig config,
      Supplier<SslContext> sslContext,
      List<InetSocketAddress> nameServers) {
    this(config, sslContext, nameServers, () -> CertificatePins.NONE, null);
  }

  ConnectionFactory(
      HttpClientConfig config,
      Supplier<SslContext> sslContext,
      List<InetSocketAddress> nameServers,
      Supplier<CertificatePins> pins,
      AddressResolver resolver) {
    this.config = config;
    this.resolver = resolver;
    this.pins = pins;
    this.nameServers = nameServers;
    this.sslContext = sslContext;
    // strict framing, whatever the JVM's system properties say: CRLF only, one Content-Length,
    // never with
    // Transfer-Encoding (RFC 9112 §6.3: such a response may be an attempt at response splitting)
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxHeaderSize(config.maxHeaderBytes())
            .setStrictLineParsing(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true);
    this.bootstrap =
        new Bootstrap()
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(ResponseDecoder.NAME, new ResponseDecoder(decoder.clone()));
                    ch.pipeline().addLast(ENCODER, new HttpRequestEncoder());
                    ch.pipeline().addLast(StrayInputCloser.NAME, StrayInputCloser.INSTANCE);
                  }
                });
  }

  /**
   * Resolves every address of {@code key} on {@code loop} within the DNS phase limit: a literal IP
   * at once, a name through the resolver ({@link DnsFailureException} when it fails, a {@link
   * PhaseTimeoutException} when it runs out of time).
   */
  Promise<List<InetSocketAddress>> resolveAll(
      HostKey key, EventLoop loop, Budget budget, PhaseObserver observer) {
    Promise<List<InetSocketAddress>> promise = loop.newPromise();
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(key.host());
    if (literal != null) {
      try {
        promise.trySuccess(
            List.of(
                new InetSocketAddress(InetAddress.getByAddress(key.host(), literal), key.port())));
      } catch (Exception e) {
        promise.tryFailure(e);
      }
      return promise;
    }
    long limit = budget.limit(config.phaseTimeouts().limit(CallPhase.DNS).toNanos());
    observer.enter(CallPhase.DNS, limit);
    if (limit <= 0) {
      promise.tryFailure(timeout(CallPhase.DNS, limit, budget, key));
      return promise;
    }
    ScheduledFuture<?> timer =
        loop.schedule(
            () -> {
              promise.tryFailure(timeout(CallPhase.DNS, limit, budget, key));
            },
            limit,
            TimeUnit.NANOSECONDS);
    Future<List<InetSocketAddress>> answer =
        resolver != null ? resolver.resolve(key, loop) : resolveByDns(key, loop);
    answer.addListener(
        (Future<List<InetSocketAddress>> f) -> {
          timer.cancel(false);
          if (promise.isDone()) {
            return;
          }
          if (!f.isSuccess()) {
            promise.tryFailure(new DnsFailureException(key.toString(), f.cause()));
          } else if (f.getNow().isEmpty()) {
            promise.tryFailure(
                new DnsFailureException(
                    key.toString(),
                    new java.net.UnknownHostException(key.host() + ": no address")));
          } else {
            promise.trySuccess(f.getNow());
          }
        });
    return promise;
  }

  private Future<List<InetSocketAddress>> resolveByDns(HostKey key, EventLoop loop) {
    Promise<List<InetSocketAddress>> out = loop.newPromise();
    resolvers
        .computeIfAbsent(loop, this::newResolver)
        .resolveAll(key.host())
        .addListener(
            (Future<List<InetAddress>> f) -> {
              if (f.isSuccess()) {
                out.trySuccess(
                    f.getNow().stream()
                        .map(a -> new InetSocketAddress(a, key.port()))
                        .distinct()
                        .toList());
              } else {
                out.tryFailure(f.cause());
              }
            });
    return out;
  }

  /** Opens a connection to one resolved address of {@code key} on {@code loop}. */
  Promise<Channel> connect(
      HostKey key,
      InetSocketAddress address,
      EventLoop loop,
      Budget budget,
      PhaseObserver observer) {
    Promise<Channel> promise = loop.newPromise();
    connect(key, address, loop, budget, observer, promise);
    return promise;
  }

  private DnsNameResolver newResolver(EventLoop loop) {
    DnsNameResolverBuilder b =
        new DnsNameResolverBuilder(loop)
            .datagramChannelType(NioDatagramChannel.class)
            .queryTimeoutMillis(Math.max(1, config.phaseTimeouts().dns().toMillis()));
    if (!nameServers.isEmpty()) {
      b.nameServerProvider(new SequentialDnsServerAddressStreamProvider(nameServers));
    }
    return b.build();
  }

  private void connect(
      HostKey key,
      InetSocketAddress address,
      EventLoop loop,
      Budget budget,
      PhaseObserver observer,
      Promise<Channel> promise) {
    long limit = phaseLimit(budget, CallPhase.CONNECT, observer, key, promise);
    if (limit <= 0) {
      return;
    }
    int millis =
        (int)
            Math.max(
                1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(limit + 999_999)));
    ChannelFuture cf =
        bootstrap.clone(loop).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis).connect(address);
    cf.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            Throwable cause =
                f.cause() instanceof ConnectTimeoutException
                    ? timeout(CallPhase.CONNECT, limit, budget, key)
                    : new ConnectFailedException(key.toString(), address, f.cause());
            promise.tryFailure(cause);
            return;
          }
          if (promise.isDone()) {
            f.channel().close();
          } else if (key.secure()) {
            handshake(key, address, f.channel(), budget, observer, promise);
          } else if (config.http2().mode() == Http2ClientConfig.Mode.PRIOR_KNOWLEDGE) {
            startHttp2(key, address, f.channel(), budget, promise);
          } else {
            promise.trySuccess(f.channel());
          }
        });
  }

  private void handshake(
      HostKey key,
      InetSocketAddress address,
      Channel ch,
      Budget budget,
      PhaseObserver observer,
      Promise<Channel> promise) {
    long limit = phaseLimit(budget, CallPhase.TLS, observer, key, promise);
    if (limit <= 0) {
      ch.close();
      return;
    }
    SslHandler ssl = sslContext.get().newHandler(ch.alloc(), key.host(), key.port());
    if (!config.insecureTrustAllCertificates()) {
      SSLEngine engine = ssl.engine();
      SSLParameters params = engine.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(params);
    }
    ssl.setHandshakeTimeout(Math.max(1, limit), TimeUnit.NANOSECONDS);
    ch.pipeline().addFirst(TLS, ssl);
    ssl.handshakeFuture()
        .addListener(
            (Future<Channel> f) -> {
              if (f.isSuccess()) {
                CertificatePinException mismatch =
                    PinCheck.verify(pins.get(), key.host(), ssl.engine());
                if (mismatch != null) {
                  ch.close();
                  promise.tryFailure(mismatch);
                } else if (config.http2().offersH2OverTls()
                    && ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                  startHttp2(key, address, ch, budget, promise);
                } else if (!promise.trySuccess(ch)) {
                  ch.close();
                }
              } else {
                ch.close();
                // wrapped, so that what reaches a handler is a typed client failure (502)
                promise.tryFailure(
                    f.cause() instanceof SslHandshakeTimeoutException
                        ? timeout(CallPhase.TLS, limit, budget, key)
                        : new TlsHandshakeException(key.toString(), address, f.cause()));
              }
            });
  }

  /**
   * Switches {@code ch} to HTTP/2 and completes {@code promise} once the peer's SETTINGS arrived,
   * within what is left of the CONNECT limit; a peer that closes or stays silent instead (an
   * HTTP/1.1-only server given the h2c preface) fails the connect.
   */
  private void startHttp2(
      HostKey key, InetSocketAddress address, Channel ch, Budget budget, Promise<Channel> promise) {
    long limit = budget.limit(config.phaseTimeouts().limit(CallPhase.CONNECT).toNanos());
    if (limit <= 0) {
      ch.close();
      promise.tryFailure(timeout(CallPhase.CONNECT, limit, budget, key));
      return;
    }
    Promise<Channel> ready = Http2Session.install(ch, config);
    ScheduledFuture<?> timer =
        ch.eventLoop()
            .schedule(
                () -> {
                  ready.tryFailure(timeout(CallPhase.CONNECT, limit, budget, key));
                },
                limit,
                TimeUnit.NANOSECONDS);
    ready.addListener(
        (Future<Channel> f) -> {
          timer.cancel(false);
          if (f.isSuccess()) {
            if (!promise.trySuccess(ch)) {
              ch.close();
            }
            return;
          }
          ch.close();
          promise.tryFailure(
              f.cause() instanceof PhaseTimeoutException
                  ? f.cause()
                  : new ConnectFailedException(
                      key.toString(),
                      address,
                      new java.io.IOException(
                          "HTTP/2 preface not answered with SETTINGS (expected: an h2 server)",
                          f.cause())));
        });
  }

  /** Enters {@code phase}; when no time is left, fails the promise and returns zero or less. */
  private long phaseLimit(
      Budget budget,
      CallPhase phase,
      PhaseObserver observer,
      HostKey key,
      Promise<Channel> promise) {
    long limit = budget.limit(config.phaseTimeouts().limit(phase).toNanos());
    observer.enter(phase, limit);
    if (limit <= 0) {
      promise.tryFailure(timeout(phase, limit, budget, key));
    }
    return limit;
  }

  static PhaseTimeoutException timeout(CallPhase phase, long limit, Budget budget, HostKey key) {
    return new PhaseTimeoutException(
        phase, Math.max(0, limit), budget.requestRemainingNanos(), key.toString());
  }

  void close() {
    resolvers.values().forEach(DnsNameResolver::close);
    resolvers.clear();
  }
}
