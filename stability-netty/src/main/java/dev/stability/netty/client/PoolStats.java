package dev.stability.netty.client;

/**
 * A snapshot of one host's pool, read without locks: each count is exact at some recent moment, but
 * the counts may come from slightly different moments.
 *
 * @param active connections leased to calls in flight
 * @param idle connections waiting in the pool
 * @param pending calls waiting for a connection
 * @param connecting connections being opened
 * @param opened connections opened since the pool was created, failures included
 */
public record PoolStats(int active, int idle, int pending, int connecting, long opened) {
  /** The stats of a host the client never called. */
  public static final PoolStats EMPTY = new PoolStats(0, 0, 0, 0, 0);

  /** Returns active plus idle plus connecting: the connections that count against the limit. */
  public int total() {
    return active + idle + connecting;
  }
}
