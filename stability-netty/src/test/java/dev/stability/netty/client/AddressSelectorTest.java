package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.netty.client.AddressSelector.Result;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressSelectorTest {
  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(123 * S);
  private final Deque<Integer> draws = new ArrayDeque<>();

  /** Random indexes from the script, 0 once it is empty. */
  private int draw(int bound) {
    Integer next = draws.poll();
    int value = next == null ? 0 : next;
    assertThat(value).isBetween(0, bound - 1);
    return value;
  }

  private AddressSelector<String> selector(OutlierDetectionConfig config, String... addresses) {
    return new AddressSelector<>(List.of(addresses), config, now::get, this::draw);
  }

  private void fail(AddressSelector<String> selector, String address, int times, Result result) {
    for (int i = 0; i < times; i++) {
      AddressSelector<String>.Lease lease = pickExactly(selector, address);
      lease.release(result);
    }
  }

  /** Acquires until the wanted address comes up; bounded, since ejected addresses never come up. */
  private AddressSelector<String>.Lease pickExactly(
      AddressSelector<String> selector, String address) {
    for (int i = 0; i < 100; i++) {
      // the draw indexes the addresses in rotation; ties keep the first choice
      List<String> inRotation =
          selector.addresses().stream().filter(a -> !selector.isEjected(a)).toList();
      int index = Math.max(0, inRotation.indexOf(address));
      draws.clear();
      draws.add(index);
      draws.add(0);
      AddressSelector<String>.Lease lease = selector.acquire();
      draws.clear(); // a single candidate draws nothing: leave no script behind
      if (lease.address().equals(address)) {
        return lease;
      }
      lease.release(Result.NEUTRAL);
    }
    throw new AssertionError(address + " never picked");
  }

  @Test
  void ofTwoRandomAddressesTheOneWithFewerCallsInFlightWins() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b", "c");
    draws.addAll(List.of(0, 0)); // a, then b (the second draw skips the first index)
    AddressSelector<String>.Lease first = s.acquire();
    assertThat(first.address()).isEqualTo("a");
    draws.addAll(List.of(0, 0)); // a (1 in flight) against b (0)
    assertThat(s.acquire().address()).isEqualTo("b");
    draws.addAll(List.of(2, 0)); // c (0) against a (1)
    assertThat(s.acquire().address()).isEqualTo("c");
    assertThat(s.inFlight("a")).isEqualTo(1);
    first.release(Result.SUCCESS);
    assertThat(s.inFlight("a")).isZero();
  }

  @Test
  void theTwoChoicesAreAlwaysDistinct() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    s.acquire(); // a, busy now
    draws.addAll(List.of(0, 0)); // the same index twice would pick busy a again
    assertThat(s.acquire().address()).isEqualTo("b");
  }

  @Test
  void fiveConsecutiveFailuresOfAnyKindEjectAnAddress() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    fail(s, "a", 2, Result.CONNECT_FAILURE);
    fail(s, "a", 1, Result.SERVER_ERROR);
    fail(s, "a", 1, Result.TIMEOUT);
    assertThat(s.isEjected("a")).isFalse();
    fail(s, "a", 1, Result.SERVER_ERROR);
    assertThat(s.isEjected("a")).isTrue();
    for (int i = 0; i < 20; i++) {
      draws.addAll(List.of(0, 0));
      AddressSelector<String>.Lease lease = s.acquire();
      assertThat(lease.address()).isEqualTo("b");
      lease.release(Result.SUCCESS);
    }
  }

  @Test
  void aSuccessResetsTheCountAndANeutralResultDoesNot() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    fail(s, "a", 4, Result.SERVER_ERROR);
    fail(s, "a", 1, Result.SUCCESS);
    fail(s, "a", 4, Result.SERVER_ERROR);
    assertThat(s.isEjected("a")).isFalse();
    fail(s, "a", 3, Result.NEUTRAL);
    assertThat(s.isEjected("a")).isFalse();
    fail(s, "a", 1, Result.TIMEOUT);
    assertThat(s.isEjected("a")).as("4 + 1 failures, the neutral results in between").isTrue();
  }

  @Test
  void anEjectedAddressReturnsOnceItsTimeHasPassed() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    fail(s, "a", 5, Result.CONNECT_FAILURE);
    now.addAndGet(30 * S - 1);
    assertThat(s.isEjected("a")).isTrue();
    now.addAndGet(1);
    assertThat(s.isEjected("a")).isFalse();
    draws.addAll(List.of(0, 0));
    assertThat(s.acquire().address()).isEqualTo("a");
  }

  @Test
  void theEjectionTimeGrowsWithEachEjectionUpToTheCap() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    long[] expectedSeconds = {30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300};
    for (long seconds : expectedSeconds) {
      fail(s, "a", 5, Result.SERVER_ERROR);
      now.addAndGet(seconds * S - 1);
      assertThat(s.isEjected("a")).as("still ejected just before %d s", seconds).isTrue();
      now.addAndGet(1);
      assertThat(s.isEjected("a")).as("back after %d s", seconds).isFalse();
    }
  }

  @Test
  void theMultiplierDecaysWhileTheAddressStaysInRotation() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    for (long seconds : new long[] {30, 60, 90}) {
      fail(s, "a", 5, Result.SERVER_ERROR);
      now.addAndGet(seconds * S);
    }
    now.addAndGet(60 * S); // two base times in rotation: the multiplier drops from 3 to 1
    fail(s, "a", 5, Result.SERVER_ERROR);
    now.addAndGet(60 * S - 1);
    assertThat(s.isEjected("a")).isTrue();
    now.addAndGet(1);
    assertThat(s.isEjected("a")).as("ejected for 2 × 30 s").isFalse();
  }

  @Test
  void neverMoreThanTheMaximumShareIsEjected() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b", "c", "d");
    fail(s, "a", 5, Result.CONNECT_FAILURE);
    fail(s, "b", 5, Result.CONNECT_FAILURE);
    fail(s, "c", 5, Result.CONNECT_FAILURE);
    assertThat(List.of(s.isEjected("a"), s.isEjected("b"), s.isEjected("c")))
        .containsExactly(true, true, false);
    fail(s, "c", 10, Result.CONNECT_FAILURE);
    assertThat(s.isEjected("c")).as("50 % of 4 is 2").isFalse();
    now.addAndGet(30 * S);
    fail(s, "c", 1, Result.CONNECT_FAILURE);
    assertThat(s.isEjected("c"))
        .as("a and b are back: room for c, whose count kept climbing")
        .isTrue();
  }

  @Test
  void aSingleAddressIsNeverEjectedAndOneOfTwoCanBe() {
    AddressSelector<String> one = selector(OutlierDetectionConfig.ofDefaults(), "only");
    fail(one, "only", 50, Result.SERVER_ERROR);
    assertThat(one.isEjected("only")).isFalse();
    AddressSelector<String> two = selector(OutlierDetectionConfig.ofDefaults(), "a", "b");
    fail(two, "a", 5, Result.SERVER_ERROR);
    fail(two, "b", 5, Result.SERVER_ERROR);
    assertThat(List.of(two.isEjected("a"), two.isEjected("b"))).containsExactly(true, false);
  }

  @Test
  void whenEveryAddressIsEjectedCallsStillGoSomewhere() {
    AddressSelector<String> s =
        selector(OutlierDetectionConfig.builder().maxEjectionPercent(100).build(), "a", "b");
    fail(s, "a", 5, Result.SERVER_ERROR);
    fail(s, "b", 5, Result.SERVER_ERROR);
    assertThat(List.of(s.isEjected("a"), s.isEjected("b"))).containsExactly(true, true);
    draws.addAll(List.of(1, 0));
    assertThat(s.acquire().address()).isEqualTo("b");
  }

  @Test
  void disabledDetectionNeverEjects() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.disabled(), "a", "b");
    fail(s, "a", 100, Result.CONNECT_FAILURE);
    assertThat(s.isEjected("a")).isFalse();
    assertThat(OutlierDetectionConfig.disabled().enabled()).isFalse();
  }

  @Test
  void anUpdateKeepsTheStateOfKeptAddresses() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a", "b", "c");
    fail(s, "a", 5, Result.SERVER_ERROR);
    AddressSelector<String>.Lease onB = pickExactly(s, "b");
    s.update(List.of("a", "b", "d"));
    assertThat(s.addresses()).containsExactly("a", "b", "d");
    assertThat(s.isEjected("a")).isTrue();
    assertThat(s.inFlight("b")).isEqualTo(1);
    assertThat(s.inFlight("c")).isEqualTo(-1);
    onB.release(Result.SUCCESS);
    assertThat(s.inFlight("b")).isZero();
    assertThatThrownBy(() -> s.update(List.of()))
        .hasMessage("addresses: [] (expected: at least one)");
    assertThatThrownBy(() -> s.update(List.of("a", "a")))
        .hasMessage("addresses: [a, a] (expected: no duplicates)");
  }

  @Test
  void aLeaseReleasedTwiceIsReported() {
    AddressSelector<String> s = selector(OutlierDetectionConfig.ofDefaults(), "a");
    AddressSelector<String>.Lease lease = s.acquire();
    lease.release(Result.SUCCESS);
    assertThatThrownBy(() -> lease.release(Result.SUCCESS))
        .hasMessage("lease on a released twice (expected: exactly once)");
    assertThat(s.inFlight("a")).isZero();
  }

  @Test
  void settingsAreValidatedWithTheExpectedRange() {
    assertThatThrownBy(() -> OutlierDetectionConfig.builder().consecutiveFailures(-1))
        .hasMessage("consecutiveFailures: -1 (expected: >= 0 and <= 1000)");
    assertThatThrownBy(() -> OutlierDetectionConfig.builder().maxEjectionPercent(101))
        .hasMessage("maxEjectionPercent: 101 (expected: >= 0 and <= 100)");
    assertThatThrownBy(() -> OutlierDetectionConfig.builder().baseEjectionTime(Duration.ZERO))
        .hasMessage("baseEjectionTime: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> OutlierDetectionConfig.builder().maxEjectionTime(Duration.ofSeconds(10)).build())
        .hasMessage("maxEjectionTime: PT10S (expected: >= baseEjectionTime PT30S)");
    OutlierDetectionConfig c = OutlierDetectionConfig.ofDefaults();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    assertThat(c.consecutiveFailures()).isEqualTo(5);
    assertThat(c.maxEjectionTime()).isEqualTo(Duration.ofMinutes(5));
  }
}
