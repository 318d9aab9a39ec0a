package dev.stability.netty.client;

import dev.stability.time.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntUnaryOperator;

/**
 * Picks one of a host's addresses for each call, by power of two choices on calls in flight, and
 * ejects the addresses that keep failing (see {@link OutlierDetectionConfig}). One per host;
 * thread-safe.
 *
 * <p>Power of two choices: two distinct addresses drawn at random, the one with fewer calls in
 * flight wins. It needs no shared ranking, follows load within a call or two, and unlike
 * least-loaded it does not send every new call to the one address that just emptied (herding).
 * Picking is lock-free; ejecting and un-ejecting take the selector's monitor, since they are rare
 * and must count the ejected addresses consistently to honour the maximum share. Un-ejection is
 * lazy: the first pick after an ejection ran out puts the address back.
 *
 * @param <A> the address type ({@link java.net.InetSocketAddress} in the client)
 */
final class AddressSelector<A> {
  /** What one call's attempt on an address told about the address. */
  enum Result {
    /** Any answer that is not a 5xx. */
    SUCCESS,
    /** The connection could not be opened (refused, unreachable, connect timeout). */
    CONNECT_FAILURE,
    /** The address answered 5xx. */
    SERVER_ERROR,
    /** The address did not answer in time. */
    TIMEOUT,
    /** Nothing about the address: the caller cancelled, or the failure was the caller's own. */
    NEUTRAL
  }

  private final OutlierDetectionConfig config;
  private final Ticker ticker;
  private final IntUnaryOperator random;
  private volatile List<AddressState<A>> states;

  AddressSelector(List<A> addresses, OutlierDetectionConfig config, Ticker ticker) {
    this(addresses, config, ticker, bound -> ThreadLocalRandom.current().nextInt(bound));
  }

  // visible for testing: random returns an index in [0, bound)
  AddressSelector(
      List<A> addresses, OutlierDetectionConfig config, Ticker ticker, IntUnaryOperator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.random = Objects.requireNonNull(random, "random");
    update(addresses);
  }

  /**
   * Replaces the addresses with what the resolver returned now; addresses kept keep their counts
   * and ejections.
   *
   * @param addresses at least one, no duplicates
   */
  synchronized void update(List<A> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("addresses: [] (expected: at least one)");
    }
    Map<A, AddressState<A>> old = new HashMap<>();
    if (states != null) {
      for (AddressState<A> s : states) {
        old.put(s.address, s);
      }
    }
    List<AddressState<A>> next = new ArrayList<>(addresses.size());
    for (A a : addresses) {
      AddressState<A> kept = old.remove(Objects.requireNonNull(a, "address"));
      next.add(kept != null ? kept : new AddressState<>(a));
    }
    if (next.stream().map(s -> s.address).distinct().count() != next.size()) {
      throw new IllegalArgumentException("addresses: " + addresses + " (expected: no duplicates)");
    }
    states = List.copyOf(next);
  }

  /** Picks an address for one attempt; release the lease exactly once when the attempt ends. */
  Lease acquire() {
    return acquire(null);
  }

  /**
   * Picks an address for one attempt other than {@code avoid} (where the call's previous attempt
   * failed) while another is in rotation, as Envoy's {@code previous_hosts} retry predicate does:
   * an address that refuses connections has no calls in flight, so the two choices would otherwise
   * keep sending the retry back to it.
   *
   * @param avoid the address to skip, or {@code null}
   */
  Lease acquire(A avoid) {
    List<AddressState<A>> all = states;
    long now = ticker.nanoTime();
    int available = 0;
    for (AddressState<A> s : all) {
      if (s.isEjected() && now - s.ejectedUntilNanos >= 0) {
        unejectIfDue(s, now);
      }
      if (!s.isEjected()) {
        available++;
      }
    }
    if (avoid != null && all.size() > 1) {
      List<AddressState<A>> others = new ArrayList<>(all.size() - 1);
      for (AddressState<A> s : all) {
        if (!s.address.equals(avoid) && !s.isEjected()) {
          others.add(s);
        }
      }
      if (!others.isEmpty()) {
        AddressState<A> chosen = twoChoices(others);
        chosen.inFlight.incrementAndGet();
        return new Lease(chosen);
      }
    }
    AddressState<A> chosen;
    if (available == all.size() || available == 0) {
      // every address is in rotation, or none is (maxEjectionPercent 100): choose among all of them
      chosen = twoChoices(all);
    } else {
      List<AddressState<A>> candidates = new ArrayList<>(available);
      for (AddressState<A> s : all) {
        if (!s.isEjected()) {
          candidates.add(s);
        }
      }
      // an ejection racing with this pick may have emptied the candidates counted a moment ago
      chosen = twoChoices(candidates.isEmpty() ? all : candidates);
    }
    chosen.inFlight.incrementAndGet();
    return new Lease(chosen);
  }

  private AddressState<A> twoChoices(List<AddressState<A>> from) {
    int n = from.size();
    if (n == 1) {
      return from.get(0);
    }
    int a = random.applyAsInt(n);
    int b = random.applyAsInt(n - 1);
    if (b >= a) {
      b++; // a second, distinct address
    }
    return from.get(b).inFlight.get() < from.get(a).inFlight.get() ? from.get(b) : from.get(a);
  }

  private void record(AddressState<A> s, Result result) {
    switch (result) {
      case SUCCESS -> s.consecutiveFailures.set(0);
      case NEUTRAL -> {}
      default -> {
        if (config.enabled()
            && s.consecutiveFailures.incrementAndGet() >= config.consecutiveFailures()) {
          tryEject(s, ticker.nanoTime());
        }
      }
    }
  }

  private synchronized void tryEject(AddressState<A> s, long now) {
    if (s.isEjected() || s.consecutiveFailures.get() < config.consecutiveFailures()) {
      return;
    }
    List<AddressState<A>> all = states;
    int ejected = 0;
    boolean member = false;
    for (AddressState<A> other : all) {
      member |= other == s;
      if (other.isEjected() && now - other.ejectedUntilNanos >= 0) {
        unejectIfDue(other, now);
      }
      ejected += other.isEjected() ? 1 : 0;
    }
    // an address the resolver dropped is not ejected; one more ejection must stay within the share
    if (!member || (ejected + 1) * 100L > (long) config.maxEjectionPercent() * all.size()) {
      return;
    }
    long base = config.baseEjectionTime().toNanos();
    if (s.ejections > 0 && s.inRotationSinceNanos != Long.MIN_VALUE) {
      s.ejections = (int) Math.max(0, s.ejections - (now - s.inRotationSinceNanos) / base);
    }
    s.ejections++;
    long length =
        Math.min(config.maxEjectionTime().toNanos(), saturatedMultiply(base, s.ejections));
    s.eject(now + length);
    s.consecutiveFailures.set(0);
  }

  private synchronized void unejectIfDue(AddressState<A> s, long now) {
    if (s.isEjected() && now - s.ejectedUntilNanos >= 0) {
      s.uneject();
    }
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
  }

  /** Returns whether an address other than {@code avoid} is in rotation. */
  boolean hasAlternative(A avoid) {
    for (AddressState<A> s : states) {
      if (!s.address.equals(avoid) && !s.isEjected()) {
        return true;
      }
    }
    return false;
  }

  /** Returns the addresses in the resolver's order. */
  List<A> addresses() {
    List<A> out = new ArrayList<>();
    for (AddressState<A> s : states) {
      out.add(s.address);
    }
    return out;
  }

  /**
   * Returns whether an address is ejected now (after lazy un-ejection); {@code false} for unknown
   * addresses.
   */
  boolean isEjected(A address) {
    long now = ticker.nanoTime();
    for (AddressState<A> s : states) {
      if (s.address.equals(address)) {
        unejectIfDue(s, now);
        return s.isEjected();
      }
    }
    return false;
  }

  /** Returns the calls in flight on an address, -1 for unknown addresses. */
  int inFlight(A address) {
    for (AddressState<A> s : states) {
      if (s.address.equals(address)) {
        return s.inFlight.get();
      }
    }
    return -1;
  }

  /** One attempt's use of one address. */
  final class Lease {
    private final AddressState<A> state;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(AddressState<A> state) {
      this.state = state;
    }

    /** Returns the chosen address. */
    A address() {
      return state.address;
    }

    /**
     * Ends the attempt and records what it told about the address; a second call is a bug and
     * throws.
     */
    void release(Result result) {
      Objects.requireNonNull(result, "result");
      if (!released.compareAndSet(false, true)) {
        throw new IllegalStateException(
            "lease on " + state.address + " released twice (expected: exactly once)");
      }
      state.inFlight.decrementAndGet();
      record(state, result);
    }
  }
}
