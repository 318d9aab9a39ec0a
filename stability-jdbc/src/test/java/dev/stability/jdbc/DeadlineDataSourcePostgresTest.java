package dev.stability.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.stability.context.CancelReason;
import dev.stability.context.ContextTreeProbe;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Against a real PostgreSQL through HikariCP: the server really stops the query, and the pool stays
 * healthy.
 */
class DeadlineDataSourcePostgresTest {
  @RegisterExtension static final PostgresServer pg = new PostgresServer();

  private static final Logger log = LoggerFactory.getLogger(DeadlineDataSourcePostgresTest.class);
  private static final int POOL_SIZE = 2;
  private static HikariDataSource hikari;
  private static DeadlineDataSource ds;
  private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private static final ExecutorService threads = Executors.newFixedThreadPool(POOL_SIZE + 1);

  @BeforeAll
  static void startPool() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.jdbcUrl());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(POOL_SIZE);
    config.setConnectionTimeout(
        10_000); // far above every budget here: the wrapper must be what gives up
    config.setPoolName("pg-test");
    hikari = new HikariDataSource(config);
    ds =
        DeadlineDataSource.builder(hikari)
            .system("postgresql")
            .poolName("pg-test")
            .meterRegistry(registry)
            .build();
    // once per JVM: load the cancel path (logback, the cancel executor, pgjdbc's cancel) before
    // anything is timed
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) { // waits for the pool to fill
      try (Scope ignored = RequestContext.of("warm-up", Duration.ofMillis(100)).attach()) {
        catchThrowableOfType(
            DatabaseDeadlineException.class, () -> s.executeQuery("SELECT pg_sleep(2)"));
      }
    }
  }

  @AfterAll
  static void stopPool() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    if (hikari != null) {
      hikari.close();
    }
  }

  @Test
  void pgSleepUnderA300msDeadlineFailsWithin350msTheBackendStopsAndThePoolServesTheNextQuery()
      throws Exception {
    long start = System.nanoTime();
    RequestContext ctx = RequestContext.of("pg-1", Duration.ofMillis(300));
    DatabaseDeadlineException e;
    try (Scope ignored = ctx.attach();
        Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      e =
          catchThrowableOfType(
              DatabaseDeadlineException.class, () -> s.executeQuery("SELECT pg_sleep(5)"));
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    log.info("pg_sleep(5) under a 300 ms deadline failed after {} ms", elapsedMs);
    assertThat(elapsedMs).isLessThan(350);
    assertThat(e.phase()).isEqualTo(JdbcPhase.EXECUTE);
    assertThat(e.getMessage())
        .contains("db execute SELECT of request pg-1", "DEADLINE_EXCEEDED")
        .doesNotContain("pg_sleep");
    assertThat(e.getSuppressed())
        .singleElement()
        .satisfies(driver -> assertThat(((SQLException) driver).getSQLState()).isEqualTo("57014"));
    // no await: the driver returned only after the backend answered the cancel, so it must be idle
    // already
    assertThat(activeQueries("SELECT pg_sleep(5)")).isZero();
    try (Scope ignored = RequestContext.of("pg-2", Duration.ofSeconds(5)).attach();
        Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 42")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    assertThat(hikari.getHikariPoolMXBean().getActiveConnections()).isZero();
    assertThat(hikari.getHikariPoolMXBean().getTotalConnections())
        .isEqualTo(POOL_SIZE); // reused, not evicted
  }

  @Test
  void aPoolExhaustedBySlowQueriesFailsTheAcquireWithinTheBudget() throws Exception {
    RequestContext slowRequests = RequestContext.of("slow", Duration.ofSeconds(20));
    List<Future<?>> holders = new ArrayList<>();
    for (int i = 0; i < POOL_SIZE; i++) {
      holders.add(threads.submit(() -> runUnder(slowRequests.child(), "SELECT pg_sleep(10)")));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> activeQueries("SELECT pg_sleep(10)") == POOL_SIZE);

    long start = System.nanoTime();
    RequestContext ctx = RequestContext.of("starved", Duration.ofMillis(200));
    DatabaseDeadlineException e;
    try (Scope ignored = ctx.attach()) {
      e = catchThrowableOfType(DatabaseDeadlineException.class, ds::getConnection);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    log.info(
        "acquire from an exhausted pool under a 200 ms deadline failed after {} ms", elapsedMs);
    assertThat(elapsedMs).isLessThan(250);
    assertThat(e.phase()).isEqualTo(JdbcPhase.ACQUIRE);
    assertThat(e.getMessage()).contains("db acquire CONNECTION of request starved");
    assertThat(Thread.currentThread().isInterrupted())
        .isFalse(); // the wrapper took its interrupt back

    slowRequests.cancel(
        CancelReason.SHUTDOWN); // frees the pool: the holders' queries are cancelled
    for (Future<?> f : holders) {
      assertThat(f.get(5, TimeUnit.SECONDS)).isInstanceOf(DatabaseDeadlineException.class);
    }
    assertThat(activeQueries("SELECT pg_sleep(10)")).isZero();
    assertThat(hikari.getHikariPoolMXBean().getActiveConnections()).isZero();
  }

  @Test
  void cancellingTheParentMidQueryCancelsIt() throws Exception {
    RequestContext parent = RequestContext.of("parent", Duration.ofSeconds(20));
    long[] startedAt = new long[1];
    Future<Object> query =
        threads.submit(
            () -> runUnder(parent.withTimeout(Duration.ofSeconds(10)), "SELECT pg_sleep(8)"));
    await().atMost(Duration.ofSeconds(10)).until(() -> activeQueries("SELECT pg_sleep(8)") == 1);
    startedAt[0] = System.nanoTime();
    parent.cancel(CancelReason.CLIENT_DISCONNECTED);

    Object outcome = query.get(5, TimeUnit.SECONDS);
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt[0]);
    log.info("a query whose parent was cancelled stopped {} ms later", stopMs);
    assertThat(stopMs)
        .isLessThan(1000); // well under the 8 s query, the 10 s child and the 1 s backstop
    assertThat(outcome)
        .isInstanceOfSatisfying(
            DatabaseDeadlineException.class,
            e -> {
              assertThat(e.isDeadlineExceeded()).isFalse();
              assertThat(e.cancellationCause().reason())
                  .isEqualTo(CancelReason.CLIENT_DISCONNECTED);
              assertThat(e.cancellationCause().isInherited()).isTrue();
            });
    assertThat(activeQueries("SELECT pg_sleep(8)")).isZero();
  }

  @Test
  void tenThousandFastStatementsLeaveNoListenerOrTimerBehind() throws Exception {
    CountingScheduler scheduler = new CountingScheduler();
    AtomicInteger cancels = new AtomicInteger();
    DeadlineDataSource counted =
        DeadlineDataSource.builder(hikari)
            .cancelExecutor(
                r -> {
                  cancels.incrementAndGet();
                  r.run();
                })
            .build();
    RequestContext ctx =
        RequestContext.builder("many")
            .scheduler(scheduler)
            .timeout(Duration.ofSeconds(120))
            .build();
    int n = 10_000;
    try (Scope ignored = ctx.attach();
        Connection c = counted.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT ?")) {
      for (int i = 0; i < n; i++) {
        p.setInt(1, i);
        try (ResultSet rs = p.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
    }
    assertThat(counted.inFlightCalls()).isZero();
    assertThat(cancels)
        .hasValue(0); // every listener was removed before its call's context completed
    assertThat(ContextTreeProbe.linkedChildCount(ctx))
        .isZero(); // no finished call is reachable from the request
    assertThat(scheduler.armed())
        .isGreaterThanOrEqualTo(n); // each call had its own deadline timer ...
    assertThat(scheduler.live())
        .isLessThanOrEqualTo(1); // ... and only the request's own is still armed
    assertThat(ctx.isDone()).isFalse();
    ctx.complete();
    assertThat(scheduler.live()).isZero();
  }

  /**
   * Runs {@code sql} under {@code ctx} on this thread; returns the failure instead of throwing it.
   */
  private static Object runUnder(RequestContext ctx, String sql) {
    try (Scope ignored = ctx.attach();
        Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery(sql).close();
      return "completed";
    } catch (SQLException e) {
      return e;
    } finally {
      ctx.complete();
    }
  }

  private static int activeQueries(String text) throws SQLException {
    try (Connection c = pg.connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = ? AND pid <> pg_backend_pid()")) {
      p.setString(1, text);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
