package dev.stability.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block in docs/ and the README shows the imports of the types it uses, and
 * every import names a type that exists (stability's own, read from the sources, or one on this
 * module's class path: Netty, Micrometer, JUnit, AssertJ, the JDK; jetcd, HikariCP and
 * OpenTelemetry are taken on trust).
 *
 * <p>A type the reader writes (their handler, their response type) is declared in the block with a
 * comment {@code // yours: MyHandler, Reply}. Only the imports are checked here, not the code: the
 * snippets that run live in the tests named beside them in each page, and a block introduced by
 * "From {@code Foo.java}:" must be in that file (each paragraph of it, comments and white space
 * aside), so that the page and the compiled code cannot drift apart.
 */
class DocSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import\\s+(static\\s+)?([\\w.]+?)(\\.\\*)?\\s*;");
  private static final Pattern FROM = Pattern.compile("From\\s+`(\\w+\\.java)`:\\s*\\n*\\z");
  private static final Pattern YOURS = Pattern.compile("//\\s*yours:\\s*([\\w, ]+)");
  private static final Pattern DECLARED =
      Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)");
  private static final Pattern TYPE_CONTEXT =
      Pattern.compile("\\.[a-z]|\\s+[a-z]\\w*\\s*[=;,)]|::|<");
  private static final Pattern TYPE_USE = Pattern.compile("(?<![\\w.$])([A-Z]\\w*)\\b");

  /** Libraries the docs show that this module does not depend on: their imports are not loaded. */
  private static final List<String> ELSEWHERE =
      List.of("io.etcd.jetcd.", "com.zaxxer.hikari.", "io.opentelemetry.");

  record Snippet(String file, int line, String code, String from) {
    @Override
    public String toString() {
      return file + ":" + line;
    }
  }

  @Test
  void everyJavaSnippetImportsTheTypesItUses() throws IOException {
    Set<String> ours = new HashSet<>();
    PublicTypes.all().forEach(t -> ours.add(t.qualifiedName()));
    List<String> problems = new ArrayList<>();
    List<Snippet> snippets = snippets();
    for (Snippet s : snippets) {
      problems.addAll(problems(s, ours));
    }
    assertThat(snippets).hasSizeGreaterThan(20);
    assertThat(problems).as("snippets in docs with unresolved or missing imports").isEmpty();
  }

  @Test
  void aSnippetUsingATypeItDoesNotImportIsReported() {
    Set<String> ours = Set.of("dev.stability.netty.server.ServerConfig");
    Snippet missing =
        new Snippet("x.md", 1, "ServerConfig c = ServerConfig.builder().build();\n", null);
    Snippet wrong =
        new Snippet(
            "x.md", 1, "import dev.stability.netty.ServerConfig;\nServerConfig c = null;\n", null);
    Snippet fine =
        new Snippet(
            "x.md",
            1,
            "import dev.stability.netty.server.ServerConfig;\nimport java.time.Duration;\n"
                + "// yours: MyHandler\nServerConfig c = null; // a String \"Quoted\"\n"
                + "Duration d = Duration.ZERO; new MyHandler(); record Local(int x) {}\n",
            null);
    assertThat(problems(missing, ours)).singleElement().asString().contains("ServerConfig");
    assertThat(problems(wrong, ours))
        .anySatisfy(p -> assertThat(p).contains("dev.stability.netty.ServerConfig"));
    assertThat(problems(fine, ours)).isEmpty();
  }

  @Test
  void aSnippetShownAsFromASourceFileIsInThatFile() throws IOException {
    List<String> drifted = new ArrayList<>();
    int checked = 0;
    for (Snippet s : snippets()) {
      if (s.from() == null) {
        continue;
      }
      checked++;
      String source = code(Files.readString(sourceFile(s.from())));
      for (String paragraph : s.code().replaceAll("(?m)^import .*$", "").split("\\n\\s*\\n")) {
        if (!source.contains(code(paragraph))) {
          drifted.add(
              s + " (from " + s.from() + "): " + paragraph.strip().lines().findFirst().get());
        }
      }
    }
    assertThat(checked).as("blocks introduced by From `X.java`:").isGreaterThanOrEqualTo(3);
    assertThat(drifted)
        .as("snippets that are no longer in the file they say they are from")
        .isEmpty();
  }

  /** Code without comments and white space: formatting may differ, the tokens may not. */
  private static String code(String text) {
    return withoutCommentsAndStrings(text).replaceAll("\\s+", "");
  }

  private static Path sourceFile(String name) throws IOException {
    // the compiled copies of the docs' snippets live in the examples module
    try (Stream<Path> files = Files.walk(PublicTypes.REPO.resolve("examples/src"))) {
      List<Path> found =
          files.filter(p -> p.getFileName().toString().equals(name)).collect(Collectors.toList());
      assertThat(found).as("source files named %s", name).hasSize(1);
      return found.get(0);
    }
  }

  static List<String> problems(Snippet s, Set<String> ours) {
    List<String> problems = new ArrayList<>();
    Set<String> known = new HashSet<>();
    Matcher yours = YOURS.matcher(s.code());
    while (yours.find()) {
      for (String name : yours.group(1).split("[, ]+")) {
        known.add(name.trim());
      }
    }
    List<String> wildcardPackages = new ArrayList<>();
    Matcher imp = IMPORT.matcher(s.code());
    while (imp.find()) {
      boolean isStatic = imp.group(1) != null;
      String name = imp.group(2);
      boolean wildcard = imp.group(3) != null;
      String type = isStatic && !wildcard ? name.substring(0, name.lastIndexOf('.')) : name;
      if (!wildcard || isStatic) {
        if (!exists(type, ours)) {
          problems.add(s + ": import " + name + " names no type");
        }
        if (!isStatic) {
          known.add(type.substring(type.lastIndexOf('.') + 1));
        }
      } else {
        wildcardPackages.add(name);
      }
    }
    String code = withoutCommentsAndStrings(s.code().replaceAll("(?m)^import .*$", ""));
    Matcher decl = DECLARED.matcher(code);
    while (decl.find()) {
      known.add(decl.group(1));
    }
    Set<String> missing = new TreeSet<>();
    Matcher use = TYPE_USE.matcher(code);
    while (use.find()) {
      String name = use.group(1);
      if (known.contains(name)
          || name.length() == 1
          || isConstant(name, code.substring(use.end()))
          || javaLang(name)) {
        continue;
      }
      if (wildcardPackages.stream().noneMatch(p -> exists(p + "." + name, ours))) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      problems.add(s + ": no import for " + missing + " (or mark it: // yours: Name)");
    }
    return problems;
  }

  /**
   * {@code SERVER}, {@code CLIENT}: a constant (of this block or the page's previous one), not a
   * type; {@code URI} in {@code URI.create(...)} or {@code URI uri} is a type.
   */
  private static boolean isConstant(String name, String after) {
    return name.equals(name.toUpperCase(Locale.ROOT)) && !TYPE_CONTEXT.matcher(after).lookingAt();
  }

  private static boolean javaLang(String name) {
    return loads("java.lang." + name);
  }

  private static boolean exists(String qualified, Set<String> ours) {
    if (ours.contains(qualified) || ELSEWHERE.stream().anyMatch(qualified::startsWith)) {
      return true;
    }
    String binary = qualified;
    // a.b.Outer.Inner is loaded as a.b.Outer$Inner
    while (true) {
      if (loads(binary)) {
        return true;
      }
      int dot = binary.lastIndexOf('.');
      if (dot < 0 || !Character.isUpperCase(binary.charAt(dot + 1))) {
        return false;
      }
      String outer = binary.substring(0, dot);
      int outerDot = outer.lastIndexOf('.');
      if (outerDot < 0 || !Character.isUpperCase(outer.charAt(outerDot + 1))) {
        return false;
      }
      binary = outer + "$" + binary.substring(dot + 1);
    }
  }

  private static boolean loads(String binaryName) {
    try {
      Class.forName(binaryName, false, DocSnippetsTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static String withoutCommentsAndStrings(String code) {
    return code.replaceAll("(?s)/\\*.*?\\*/", " ")
        .replaceAll("\"(?:[^\"\\\\\\n]|\\\\.)*\"", "\"\"")
        .replaceAll("'(?:[^'\\\\\\n]|\\\\.)'", "' '")
        .replaceAll("//[^\\n]*", " ");
  }

  static List<Snippet> snippets() throws IOException {
    List<Path> pages;
    try (Stream<Path> files = Files.list(PublicTypes.REPO.resolve("docs"))) {
      pages = files.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList());
    }
    pages.add(PublicTypes.REPO.resolve("README.md"));
    List<Snippet> out = new ArrayList<>();
    for (Path page : pages) {
      String text = Files.readString(page);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        Matcher from = FROM.matcher(text.substring(Math.max(0, m.start() - 200), m.start()));
        out.add(
            new Snippet(
                PublicTypes.REPO.relativize(page).toString(),
                line,
                m.group(1),
                from.find() ? from.group(1) : null));
      }
    }
    return out;
  }
}
