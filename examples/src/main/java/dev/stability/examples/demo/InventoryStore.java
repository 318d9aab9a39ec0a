package dev.stability.examples.demo;

import dev.stability.context.RequestContext;
import dev.stability.jdbc.DatabaseDeadlineException;
import dev.stability.jdbc.DeadlineDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Inventory's stock, in an embedded H2 database read through {@link DeadlineDataSource}: the
 * request's deadline reaches the query. A slow inventory is a slow query ({@code SLEEP_MS}); a hung
 * one is a query that would run for a minute, which the deadline cancels so that its connection is
 * back in the pool 10 ms before the request ends.
 *
 * <p>JDBC blocks, so queries run on a small pool of their own threads, never on the event loop.
 */
final class InventoryStore implements AutoCloseable {
  static final int THREADS = 32;

  /** How long a hung inventory's query would run if nothing cancelled it. */
  static final int HUNG_QUERY_MILLIS = 60_000;

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final JdbcConnectionPool pool;
  private final DeadlineDataSource db;
  private final ExecutorService threads;
  private final AtomicLong cancelled = new AtomicLong();

  InventoryStore() throws SQLException {
    pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:inventory-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
            "sa",
            "");
    pool.setMaxConnections(THREADS);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ALIAS SLEEP_MS FOR \"" + H2Sleep.class.getName() + ".sleep\"");
      s.execute("CREATE TABLE stock(sku VARCHAR(32) PRIMARY KEY, quantity INT NOT NULL)");
      s.execute("INSERT INTO stock VALUES ('widget', 42)");
    }
    db = DeadlineDataSource.builder(pool).system("h2").poolName("inventory").build();
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "inventory-db-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** A query's outcome: the quantity, or the status and detail to answer with. */
  record Answer(int status, String body) {}

  /**
   * Reads the stock of {@code sku} under {@code ctx} on a database thread, sleeping {@code
   * delayMillis} in the query first; calls {@code answer} with the result there.
   */
  void read(
      RequestContext ctx, String sku, int delayMillis, java.util.function.Consumer<Answer> answer) {
    threads.execute(ctx.wrap(() -> answer.accept(query(sku, delayMillis))));
  }

  private Answer query(String sku, int delayMillis) {
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement("SELECT quantity FROM stock WHERE sku = ? AND SLEEP_MS(?) >= 0")) {
      p.setString(1, sku);
      p.setInt(2, delayMillis);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next()
            ? new Answer(200, Integer.toString(rs.getInt(1)))
            : new Answer(404, "no such sku");
      }
    } catch (DatabaseDeadlineException e) {
      cancelled.incrementAndGet();
      // 504 by the handler's own decision: the query was stopped 10 ms before the request's
      // deadline
      return new Answer(
          e.isDeadlineExceeded() ? 504 : 503,
          "inventory's " + e.phase().label() + " was stopped by the request's deadline");
    } catch (SQLException e) {
      return new Answer(500, "inventory's database failed");
    }
  }

  /** Returns how many queries the deadline stopped. */
  long cancelledQueries() {
    return cancelled.get();
  }

  /** Returns the connections in use: 0 once every request ended, cancelled ones included. */
  int activeConnections() {
    return pool.getActiveConnections();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    pool.dispose();
  }
}
