package dev.stability.testkit.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scripted answer of the upstream for one path or one request number; every method returns
 * {@code this} so that a script reads as one line: {@code
 * upstream.on("/slow").delayHeaders(ofSeconds(5)).status(200)}.
 *
 * <p>The default is {@code 200 OK} with the body {@code ok}, at once. Delays are real time on the
 * upstream's own event loop. Configure before the requests arrive; a request takes a consistent
 * snapshot of the script when it arrives. Thread-safe.
 */
public final class Behaviour {
  private final AtomicInteger matched = new AtomicInteger();
  private int status = 200;
  private byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
  private final Map<String, String> headers = new LinkedHashMap<>();
  private Duration headerDelay = Duration.ZERO;
  private Duration bodyDelay = Duration.ZERO;
  private int trickleBytes;
  private Duration trickleInterval = Duration.ZERO;
  private Fault fault;
  private int failEvery;
  private Fault failEveryFault = Fault.STATUS_503;

  Behaviour() {}

  /**
   * Answers with {@code status}.
   *
   * @param status an HTTP status from 100 to 599
   * @return this behaviour
   */
  public synchronized Behaviour status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
    }
    this.status = status;
    return this;
  }

  /**
   * Answers with {@code body}, UTF-8 encoded.
   *
   * @param body the body
   * @return this behaviour
   */
  public synchronized Behaviour body(String body) {
    this.body = Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /**
   * Adds a response header.
   *
   * @param name the name
   * @param value the value
   * @return this behaviour
   */
  public synchronized Behaviour header(String name, String value) {
    headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Waits {@code delay} after the request arrived before sending the response headers.
   *
   * @param delay the delay
   * @return this behaviour
   */
  public synchronized Behaviour delayHeaders(Duration delay) {
    this.headerDelay = nonNegative("delay", delay);
    return this;
  }

  /**
   * Sends the headers at once (or after {@link #delayHeaders}) and the body {@code delay} later.
   *
   * @param delay the delay between headers and body
   * @return this behaviour
   */
  public synchronized Behaviour delayBody(Duration delay) {
    this.bodyDelay = nonNegative("delay", delay);
    return this;
  }

  /**
   * Sends the body {@code bytesPerChunk} bytes at a time, one chunk every {@code interval}: a slow
   * but alive upstream that defeats timeouts measuring only the gap between reads.
   *
   * @param bytesPerChunk bytes per write, at least 1
   * @param interval the gap between writes
   * @return this behaviour
   */
  public synchronized Behaviour trickleBody(int bytesPerChunk, Duration interval) {
    if (bytesPerChunk < 1) {
      throw new IllegalArgumentException("bytesPerChunk: " + bytesPerChunk + " (expected: >= 1)");
    }
    this.trickleBytes = bytesPerChunk;
    this.trickleInterval = nonNegative("interval", interval);
    return this;
  }

  /**
   * Never answers; the connection stays open until the client gives up or the upstream closes.
   *
   * @return this behaviour
   */
  public synchronized Behaviour hang() {
    this.fault = Fault.HANG;
    return this;
  }

  /**
   * Resets the connection (TCP RST) as soon as the request arrived.
   *
   * @return this behaviour
   */
  public synchronized Behaviour reset() {
    this.fault = Fault.RESET;
    return this;
  }

  /**
   * Sends the headers announcing the full length, half of the body, then closes the connection.
   *
   * @return this behaviour
   */
  public synchronized Behaviour closeMidBody() {
    this.fault = Fault.CLOSE_MID_BODY;
    return this;
  }

  /**
   * Answers every {@code n}-th request matching this behaviour with {@code 503}, the others as
   * scripted.
   *
   * @param n the period, at least 1
   * @return this behaviour
   */
  public Behaviour failEvery(int n) {
    return failEvery(n, Fault.STATUS_503);
  }

  /**
   * Fails every {@code n}-th request matching this behaviour with {@code fault}, the others as
   * scripted.
   *
   * @param n the period, at least 1
   * @param fault how to fail
   * @return this behaviour
   */
  public synchronized Behaviour failEvery(int n, Fault fault) {
    if (n < 1) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
    }
    this.failEvery = n;
    this.failEveryFault = Objects.requireNonNull(fault, "fault");
    return this;
  }

  /** Takes the snapshot one request acts on, counting it for {@link #failEvery}. */
  synchronized Plan plan() {
    int n = matched.incrementAndGet();
    Fault f = failEvery > 0 && n % failEvery == 0 ? failEveryFault : fault;
    int s = f == Fault.STATUS_503 ? 503 : status;
    return new Plan(
        s,
        body.clone(),
        Map.copyOf(headers),
        headerDelay,
        bodyDelay,
        trickleBytes,
        trickleInterval,
        f == Fault.STATUS_503 ? null : f);
  }

  private static Duration nonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
    }
    return d;
  }

  /** An immutable snapshot of a behaviour for one request. */
  record Plan(
      int status,
      byte[] body,
      Map<String, String> headers,
      Duration headerDelay,
      Duration bodyDelay,
      int trickleBytes,
      Duration trickleInterval,
      Fault fault) {}
}
