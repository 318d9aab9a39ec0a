package dev.stability.examples.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: text left-aligned, numbers right-aligned, a rule under
 * the header.
 */
public final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    this.header = List.copyOf(header);
  }

  /** Returns a table with these column headers. */
  public static Table of(String... columns) {
    return new Table(List.of(columns));
  }

  /**
   * Adds a row; values are printed with {@code String.valueOf}.
   *
   * @param values one value per column
   * @return this table
   * @throws IllegalArgumentException when the number of values differs from the number of columns
   */
  public Table row(Object... values) {
    if (values.length != header.size()) {
      throw new IllegalArgumentException(
          "values: " + values.length + " (expected: " + header.size() + ")");
    }
    List<String> row = new ArrayList<>(values.length);
    for (Object v : values) {
      row.add(String.valueOf(v));
    }
    rows.add(row);
    return this;
  }

  /** Renders the table, each line indented by two spaces and ending with a newline. */
  public String render() {
    int[] width = new int[header.size()];
    boolean[] numeric = new boolean[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = header.get(c).length();
      numeric[c] =
          !rows.isEmpty() && header.get(c).length() <= 8; // wide columns hold text summaries
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
        numeric[c] &= row.get(c).matches("-?[0-9][0-9.,]*( ms| s|%)?|-");
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width, numeric);
    sb.append("  ");
    for (int c = 0; c < width.length; c++) {
      sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (List<String> row : rows) {
      line(sb, row, width, numeric);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] numeric) {
    StringBuilder line = new StringBuilder("  ");
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      line.append(c == 0 ? "" : "  ").append(numeric[c] ? pad + cell : cell + pad);
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }

  @Override
  public String toString() {
    return render();
  }
}
