package dev.stability.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlOperationTest {

  @Test
  void firstKeywordIsUpperCasedAndTheRestIsDropped() {
    assertThat(SqlOperation.of("select stock from items where sku = 'secret'")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("UPDATE items SET stock = ?")).isEqualTo("UPDATE");
    assertThat(SqlOperation.of("with x as (select 1) select * from x")).isEqualTo("WITH");
  }

  @Test
  void leadingSpaceCommentsParenthesesAndJdbcEscapesAreSkipped() {
    assertThat(SqlOperation.of("  \n\t-- by the ORM\n/* trace=abc */ delete from t"))
        .isEqualTo("DELETE");
    assertThat(SqlOperation.of("(SELECT 1) UNION (SELECT 2)")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("{call refresh_stock(?)}")).isEqualTo("CALL");
  }

  @Test
  void unknownOrHostileTextNeverLeaves() {
    assertThat(SqlOperation.of("DROPX TABLE users")).isEqualTo("OTHER");
    assertThat(SqlOperation.of("'; DROP TABLE users; --")).isEqualTo("OTHER");
    assertThat(SqlOperation.of("SELECT\u2028")).isEqualTo("SELECT");
    assertThat(SqlOperation.of("/* never closed")).isEqualTo("OTHER");
    assertThat(SqlOperation.of("Ünïcode")).isEqualTo("OTHER");
    assertThat(SqlOperation.of("")).isEqualTo("OTHER");
    assertThat(SqlOperation.of(null)).isEqualTo("OTHER");
    assertThat(SqlOperation.of("a".repeat(100_000))).isEqualTo("OTHER");
  }

  @Test
  void aHugeLeadingCommentIsNotReadToTheEnd() {
    assertThat(SqlOperation.of("/*" + " ".repeat(10_000) + "*/ SELECT 1")).isEqualTo("OTHER");
  }
}
