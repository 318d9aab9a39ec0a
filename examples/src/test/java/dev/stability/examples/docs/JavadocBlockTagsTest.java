package dev.stability.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Javadoc renders a block tag ({@code @param}, {@code @return}, {@code @throws}) only at the start
 * of a line: {@code /** Sets the limit. @param value 1 to 10 @return this builder * /} shows the
 * tags as text in the middle of the sentence. Write one sentence that says what matters (unit,
 * range, default, null-ness) or put the tags on their own lines.
 */
class JavadocBlockTagsTest {
  private static final Pattern COMMENT = Pattern.compile("(?s)/\\*\\*(.*?)\\*/");
  private static final Pattern MID_LINE_TAG =
      Pattern.compile(
          "(?m)^[ \\t]*(?:/\\*\\*|\\*)?[ \\t]*[^@\\s*][^\\n]*?\\s(@(?:param|return|throws)\\b)");
  private static final Pattern INLINE_TAG = Pattern.compile("\\{@\\w+[^}]*}");

  /**
   * Files other branches were editing when the sweep ran (the guarded server, the client's
   * exceptions and builder, the guard, the context's storage and executors, the timeline): they get
   * the same sweep there. Remove a file from this list once it is clean.
   */
  private static final Set<String> PENDING =
      Set.of(
          "stability-netty/src/main/java/dev/stability/netty/server/",
          "stability-netty/src/main/java/dev/stability/netty/client/StabilityHttpClientBuilder.java",
          "stability-netty/src/main/java/dev/stability/netty/client/CertificatePinException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/ConnectFailedException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/DnsFailureException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/LocallyThrottledException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/MalformedResponseException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/PhaseTimeoutException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/RetryBudgetExhaustedException.java",
          "stability-netty/src/main/java/dev/stability/netty/client/UpstreamServerErrorException.java",
          "stability-core/src/main/java/dev/stability/guard/Guard.java",
          "stability-core/src/main/java/dev/stability/guard/GuardConfig.java",
          "stability-core/src/main/java/dev/stability/guard/ProblemDetails.java",
          "stability-core/src/main/java/dev/stability/context/RequestContext.java",
          "stability-core/src/main/java/dev/stability/context/ContextStorage.java",
          "stability-core/src/main/java/dev/stability/timeline/");

  @Test
  void noBlockTagIsWrittenInTheMiddleOfALine() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : sources()) {
      String rel = PublicTypes.REPO.relativize(file).toString();
      if (PENDING.stream().anyMatch(rel::startsWith)) {
        continue;
      }
      found.addAll(midLineTags(rel, Files.readString(file)));
    }
    assertThat(found).as("javadoc block tags that render as text").isEmpty();
  }

  @Test
  void aOneLineCommentWithTagsIsFoundAndTagsOnTheirOwnLinesAreNot() {
    assertThat(midLineTags("A.java", "  /** Returns the name. @return the name */\n")).hasSize(1);
    assertThat(
            midLineTags(
                "A.java",
                "  /**\n   * Sets the limit, 1 to 10. See {@link #x}. @param\n   * value it\n   */\n"))
        .hasSize(1);
    assertThat(
            midLineTags(
                "A.java",
                "  /**\n   * Sets the limit, {@code @return} aside.\n   *\n   * @param value 1 to 10\n"
                    + "   * @return this builder\n   */\n  /** Returns the name. */\n"))
        .isEmpty();
  }

  static List<String> midLineTags(String file, String source) {
    List<String> out = new ArrayList<>();
    Matcher c = COMMENT.matcher(source);
    while (c.find()) {
      Matcher t = MID_LINE_TAG.matcher(INLINE_TAG.matcher(c.group(0)).replaceAll("X"));
      if (t.find()) {
        int line =
            (int) source.substring(0, c.start()).chars().filter(ch -> ch == '\n').count() + 1;
        out.add(file + ":" + line + ": " + t.group(1) + " in the middle of a line");
      }
    }
    return out;
  }

  private static List<Path> sources() throws IOException {
    Set<Path> roots = new TreeSet<>();
    for (String module : PublicTypes.MODULES) {
      roots.add(PublicTypes.REPO.resolve(module).resolve("src/main/java"));
    }
    roots.add(PublicTypes.REPO.resolve("examples/src/main/java"));
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        out.addAll(files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList()));
      }
    }
    return out;
  }
}
