package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.ContextCarrier;
import dev.stability.context.ContextCarriers;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AttemptListenerTest {
  private static final ThreadLocal<String> TRACE = new ThreadLocal<>();

  private final TestUpstream upstream = TestUpstream.start();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private StabilityHttpClient client;

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
    TRACE.remove();
  }

  /** Records each attempt: start, phases, the header it adds, its end. */
  private final AttemptListener recording =
      info -> {
        events.add("start #" + info.number() + " hedge=" + info.hedge() + " trace=" + TRACE.get());
        return new AttemptObserver() {
          @Override
          public void onPhase(CallPhase phase, long limitNanos) {
            events.add("phase " + phase);
          }

          @Override
          public void onSend(long budgetNanos, java.util.function.BiConsumer<String, String> h) {
            h.accept("x-trace-attempt", String.valueOf(info.number()));
            h.accept("Host", "evil.example"); // framing: refused
            events.add("send budget<=1s " + (budgetNanos <= Duration.ofSeconds(1).toNanos()));
          }

          @Override
          public void onEnd(int status, Throwable failure) {
            events.add(
                "end #" + info.number() + " " + status + (failure == null ? "" : " " + failure));
          }
        };
      };

  private StabilityHttpClient client(
      AttemptListener listener, CircuitBreakerRegistry breakers, int maxAttempts) {
    StabilityHttpClientBuilder b =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .attemptListener(listener)
            .config(
                HttpClientConfig.builder()
                    .retryPolicy(
                        RetryPolicy.builder()
                            .maxAttempts(maxAttempts)
                            .perTryTimeout(Duration.ofSeconds(1))
                            .build())
                    .build());
    if (breakers != null) {
      b.circuitBreakers(breakers);
    }
    client = b.build();
    return client;
  }

  @Test
  void eachRetryIsAnAttemptOfItsOwnWithItsPhasesHeadersAndEnd() {
    client(recording, null, 3);
    upstream.behave(
        (ctx, req, n) -> {
          boolean first = upstream.requests.get() == 1;
          TestUpstream.respond(
              ctx,
              req,
              first ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
              "x");
        });

    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("GET", upstream.uri("/"))
                .context(RequestContext.of("r", Duration.ofSeconds(5)))
                .build());

    assertThat(r.status()).isEqualTo(200);
    assertThat(events)
        .containsSubsequence(
            "start #1 hedge=false trace=null",
            "phase ACQUIRE",
            "phase CONNECT",
            "phase WRITE",
            "send budget<=1s true",
            "phase RESPONSE_HEADERS",
            "phase BODY",
            "end #1 503",
            "start #2 hedge=false trace=null",
            "end #2 200");
    List<FullHttpRequest> seen = List.copyOf(upstream.seen);
    assertThat(seen).extracting(q -> q.headers().get("x-trace-attempt")).containsExactly("1", "2");
    assertThat(seen)
        .allSatisfy(
            q ->
                assertThat(q.headers().getAll("host"))
                    .containsExactly(upstream.uri("/").getAuthority()));
  }

  @Test
  void theListenerRunsWithTheCallersCarriedStateRestored() {
    ContextCarrier carrier =
        new ContextCarrier() {
          @Override
          public Object capture() {
            return TRACE.get();
          }

          @Override
          public Scope restore(Object captured) {
            String previous = TRACE.get();
            TRACE.set((String) captured);
            return () -> TRACE.set(previous);
          }
        };
    ContextCarriers.register(carrier);
    try {
      client(recording, null, 1);
      upstream.behave(TestUpstream.ok("ok"));
      TRACE.set("caller-span");
      client.executeBlocking(ClientRequest.get(upstream.uri("/")));
    } finally {
      ContextCarriers.unregister(carrier);
    }
    assertThat(events).contains("start #1 hedge=false trace=caller-span");
  }

  @Test
  void aBreakerRejectionIsOneAttemptThatEndsAtOnceWithTheBreakersState() {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    List<CircuitBreakerState> states = Collections.synchronizedList(new ArrayList<>());
    client(
        info -> {
          states.add(info.breakerState());
          return recording.onAttemptStart(info);
        },
        breakers,
        1);
    breakers.get(StabilityHttpClient.hostKey(upstream.uri("/"))).transitionToForcedOpen();

    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOf(CallNotPermittedException.class);

    assertThat(states).containsExactly(CircuitBreakerState.FORCED_OPEN);
    assertThat(events).hasSize(2).last().asString().startsWith("end #1 -1 ");
    assertThat(upstream.requests.get()).isZero();
  }

  @Test
  void aThrowingListenerOrObserverNeverFailsTheCall() {
    client(
        info -> {
          if (info.number() > 0) {
            return new AttemptObserver() {
              @Override
              public void onSend(
                  long budgetNanos, java.util.function.BiConsumer<String, String> h) {
                h.accept("bad header\r\n", "x"); // refused by the codec
              }

              @Override
              public void onEnd(int status, Throwable failure) {
                throw new IllegalStateException("broken observer");
              }
            };
          }
          throw new IllegalStateException("unreachable");
        },
        null,
        1);
    upstream.behave(TestUpstream.ok("ok"));
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/"))).status())
        .isEqualTo(200);

    client.close();
    client(
        info -> {
          throw new IllegalStateException("broken listener");
        },
        null,
        1);
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/"))).status())
        .isEqualTo(200);
  }
}
