package dev.stability.jdbc;

import java.util.Locale;
import java.util.Set;

/**
 * The first keyword of a SQL text, as a low-cardinality name for metrics, timelines and exception
 * messages.
 *
 * <p>SQL text can hold customer data and attacker input ({@code ... WHERE email = 'x'}), and as a
 * metric tag it would make one time series per query. So only a known keyword ever leaves this
 * class; anything else reads {@value #OTHER}. Leading whitespace and comments are skipped, since
 * ORMs prefix statements with them.
 */
final class SqlOperation {
  /** The name of a statement whose first word is not a known SQL keyword. */
  static final String OTHER = "OTHER";

  /** The name of a batch of plain statements whose texts were not kept. */
  static final String BATCH = "BATCH";

  private static final int MAX_KEYWORD = 12;
  private static final int MAX_SCAN =
      4096; // a comment longer than this is not worth reading through
  private static final Set<String> KEYWORDS =
      Set.of(
          "SELECT",
          "INSERT",
          "UPDATE",
          "DELETE",
          "MERGE",
          "UPSERT",
          "REPLACE",
          "WITH",
          "VALUES",
          "TABLE",
          "CALL",
          "EXEC",
          "EXECUTE",
          "DO",
          "CREATE",
          "ALTER",
          "DROP",
          "TRUNCATE",
          "COMMENT",
          "GRANT",
          "REVOKE",
          "BEGIN",
          "START",
          "COMMIT",
          "ROLLBACK",
          "SAVEPOINT",
          "RELEASE",
          "SET",
          "SHOW",
          "EXPLAIN",
          "ANALYZE",
          "VACUUM",
          "LOCK",
          "COPY",
          "DECLARE",
          "FETCH",
          "MOVE",
          "CLOSE",
          "PREPARE",
          "DEALLOCATE",
          "REFRESH",
          "LISTEN",
          "NOTIFY",
          "UNLISTEN",
          "RESET",
          "DISCARD",
          "CHECKPOINT",
          "REINDEX",
          "CLUSTER",
          "USE",
          "RUNSCRIPT");

  private SqlOperation() {}

  /**
   * Returns the upper-case first keyword of {@code sql}, or {@value #OTHER}.
   *
   * @param sql the statement text, may be {@code null}
   * @return a keyword from a fixed set, never user text
   */
  static String of(String sql) {
    if (sql == null) {
      return OTHER;
    }
    int n = Math.min(sql.length(), MAX_SCAN);
    int i = skipSpaceAndComments(sql, n);
    int start = i;
    while (i < n && i - start <= MAX_KEYWORD && isAsciiLetter(sql.charAt(i))) {
      i++;
    }
    if (i == start || i - start > MAX_KEYWORD) {
      return OTHER;
    }
    String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
    return KEYWORDS.contains(word) ? word : OTHER;
  }

  private static int skipSpaceAndComments(String sql, int n) {
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)
          || c == '('
          || c == '{') { // "(SELECT ...)" and JDBC's "{call ...}"
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        return i;
      }
    }
    return n;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
