package dev.stability.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.command.Command;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * A cancellable {@code SLEEP_MS(ms)} for H2, which has no sleep function: it sleeps in 2 ms steps
 * and checks the session's and the command's cancel flags between them, as H2's own long-running
 * commands do, so {@code Statement.cancel()} and H2's query timeout stop it. The command's check is
 * not public in H2, hence the reflection: test code only.
 */
public final class H2Sleep {
  private static final Method CHECK_CANCELED;

  static {
    try {
      CHECK_CANCELED = Command.class.getDeclaredMethod("checkCanceled");
      CHECK_CANCELED.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private H2Sleep() {}

  /** Registers {@code SLEEP_MS} in the database of {@code connection}. */
  static void register(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE ALIAS IF NOT EXISTS SLEEP_MS FOR \"" + H2Sleep.class.getName() + ".sleep\"");
    }
  }

  /**
   * Sleeps {@code millis}, giving up when the statement is cancelled.
   *
   * @param connection the calling session, passed by H2
   * @param millis how long to sleep
   * @return {@code millis}
   * @throws SQLException when cancelled
   * @throws InterruptedException when the thread is interrupted
   */
  public static int sleep(Connection connection, int millis)
      throws SQLException, InterruptedException {
    SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
    long until = System.nanoTime() + millis * 1_000_000L;
    while (until - System.nanoTime() > 0) {
      session.checkCanceled();
      Command command = session.getCurrentCommand();
      if (command != null) {
        try {
          CHECK_CANCELED.invoke(command);
        } catch (InvocationTargetException e) {
          throw (RuntimeException) e.getCause(); // H2's "statement was canceled"
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
      Thread.sleep(2);
    }
    return millis;
  }
}
