package dev.stability.jfr;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/** A live {@link RecordingStream} of stability's events for a test; close it in the test. */
final class EventCapture implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final RecordingStream stream = new RecordingStream();
  private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

  EventCapture(String... names) {
    for (String name : names) {
      stream.enable(name);
      stream.onEvent(name, events::add);
    }
    stream.setMaxAge(Duration.ofMinutes(1));
    stream.startAsync();
  }

  /** Waits (bounded) until an event of {@code name} matching {@code p} arrived, and returns it. */
  RecordedEvent await(String name, Predicate<RecordedEvent> p) {
    Predicate<RecordedEvent> match = e -> e.getEventType().getName().equals(name) && p.test(e);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> events.stream().anyMatch(match));
    return events.stream().filter(match).findFirst().orElseThrow();
  }

  /** Returns the events received so far. */
  List<RecordedEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    stream.close();
  }
}
