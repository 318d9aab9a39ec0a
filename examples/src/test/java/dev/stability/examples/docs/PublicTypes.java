package dev.stability.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The public types of every published module, read from the sources (not the class path: the
 * examples do not depend on every module), with the first sentence of their javadoc.
 *
 * <p>The sources are google-java-format'ed, so a line-based reading is exact enough: a top-level
 * type starts at column 0, a member type at column 2; a member type of an interface is public
 * without saying so.
 */
final class PublicTypes {
  /** The published modules, in the order the index lists them. */
  static final List<String> MODULES =
      List.of(
          "stability-core",
          "stability-netty",
          "stability-testkit",
          "stability-jdbc",
          "stability-etcd");

  static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  private static final Pattern TOP =
      Pattern.compile(
          "^public (?:(?:final|abstract|sealed|non-sealed|static) )*(class|interface|record|enum|@interface) (\\w+)");
  private static final Pattern MEMBER =
      Pattern.compile(
          "^  (public |protected |private )?(?:(?:static|final|abstract|sealed|non-sealed) )*(class|interface|record|enum|@interface) (\\w+)");

  /** One public type. */
  record Type(String module, String pkg, String name, String kind, String summary) {
    String qualifiedName() {
      return pkg + "." + name;
    }
  }

  private PublicTypes() {}

  /** Every public type, sorted by module, package and name. */
  static List<Type> all() {
    List<Type> out = new ArrayList<>();
    for (String module : MODULES) {
      Path root = REPO.resolve(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(p -> p.toString().endsWith(".java"))
            .filter(p -> !p.getFileName().toString().equals("package-info.java"))
            .sorted()
            .forEach(p -> out.addAll(typesOf(module, p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    out.sort(
        Comparator.comparing((Type t) -> MODULES.indexOf(t.module()))
            .thenComparing(Type::pkg)
            .thenComparing(Type::name));
    return out;
  }

  /** The first sentence of a package's package-info javadoc, or empty. */
  static String packageSummary(String module, String pkg) {
    Path info =
        REPO.resolve(module)
            .resolve("src/main/java")
            .resolve(pkg.replace('.', '/'))
            .resolve("package-info.java");
    if (!Files.exists(info)) {
      return "";
    }
    List<String> lines = read(info);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("package ")) {
        return javadocBefore(lines, i).map(PublicTypes::firstSentence).orElse("");
      }
    }
    return "";
  }

  private static List<Type> typesOf(String module, Path file) {
    List<String> lines = read(file);
    String pkg = null;
    String top = null;
    String topKind = null;
    List<Type> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (pkg == null && line.startsWith("package ")) {
        pkg = line.substring("package ".length(), line.indexOf(';'));
        continue;
      }
      Matcher m = TOP.matcher(line);
      if (m.find()) {
        top = m.group(2);
        topKind = m.group(1);
        out.add(new Type(module, pkg, top, topKind, summary(lines, i)));
        continue;
      }
      Matcher n = MEMBER.matcher(line);
      if (top != null && n.find()) {
        String access = n.group(1);
        boolean inInterface = topKind.equals("interface") || topKind.equals("@interface");
        boolean isPublic = "public ".equals(access) || (access == null && inInterface);
        if (isPublic) {
          out.add(new Type(module, pkg, top + "." + n.group(3), n.group(2), summary(lines, i)));
        }
      }
    }
    return out;
  }

  private static String summary(List<String> lines, int declaration) {
    return javadocBefore(lines, declaration).map(PublicTypes::firstSentence).orElse("");
  }

  /** The javadoc that ends just above line {@code at}, skipping annotations. */
  private static Optional<String> javadocBefore(List<String> lines, int at) {
    int end = at - 1;
    while (end >= 0 && lines.get(end).trim().startsWith("@")) {
      end--;
    }
    if (end < 0 || !lines.get(end).trim().endsWith("*/")) {
      return Optional.empty();
    }
    int start = end;
    while (start >= 0 && !lines.get(start).trim().startsWith("/**")) {
      start--;
    }
    if (start < 0) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder();
    for (int i = start; i <= end; i++) {
      String l = lines.get(i).trim();
      l = l.replaceFirst("^/\\*\\*", "").replaceFirst("\\*/$", "").replaceFirst("^\\*", "").trim();
      if (l.startsWith("@")) {
        break; // block tags: the summary is over
      }
      text.append(l).append(' ');
    }
    return Optional.of(text.toString().trim());
  }

  /** Javadoc's own rule: the summary ends at the first period followed by white space. */
  static String firstSentence(String javadoc) {
    String plain =
        LINK.matcher(javadoc.replaceAll("\\{@(?:link|linkplain)\\s+[^}\\s]+\\s+([^}]+)}", "$1"))
            .replaceAll(m -> Matcher.quoteReplacement("`" + simpleName(m.group(1)) + "`"))
            .replaceAll("\\{@(?:code|literal)\\s+([^}]*)}", "`$1`")
            .replaceAll("<p>.*", "")
            .replaceAll("<[^>]+>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .replace("|", "\\|")
            .replaceAll("\\s+", " ")
            .trim();
    Matcher end = Pattern.compile("\\.(\\s|$)").matcher(plain);
    return end.find() ? plain.substring(0, end.start() + 1) : plain;
  }

  private static final Pattern LINK = Pattern.compile("\\{@(?:link|linkplain)\\s+([^}\\s]+)}");

  /** {@code dev.stability.time.Ticker} to {@code Ticker}, {@code #of()} to {@code of()}. */
  private static String simpleName(String reference) {
    String r = reference.replaceFirst("^(?:[a-z]\\w*\\.)+", "");
    return r.startsWith("#") ? r.substring(1) : r.replace('#', '.');
  }

  static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
