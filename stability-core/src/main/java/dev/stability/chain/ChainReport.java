package dev.stability.chain;

import dev.stability.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The stages of a chain in order with their counters, as observed from real traffic, rendered as
 * JSON, a Markdown table or a Mermaid flowchart: a call graph with coverage, produced at runtime.
 *
 * <p>A report is an immutable snapshot; counters taken while traffic flows are each exact but not
 * mutually consistent (a request may be counted as entered in one stage and not yet in the next).
 */
public final class ChainReport {
  private final String chain;
  private final List<StageStats> stages;

  ChainReport(String chain, List<StageStats> stages) {
    this.chain = chain;
    this.stages = List.copyOf(stages);
  }

  /** Returns the chain's name. */
  public String chain() {
    return chain;
  }

  /** Returns the stages in chain order. */
  public List<StageStats> stages() {
    return stages;
  }

  /**
   * Renders the report as one JSON object: {@code
   * {"chain":..,"stages":[{"name":..,"entered":..,..., "violations":{"SWALLOWED":1}}]}}.
   *
   * @return the JSON text
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(64 + stages.size() * 128);
    Json.appendString(sb.append("{\"chain\":"), chain).append(",\"stages\":[");
    for (int i = 0; i < stages.size(); i++) {
      StageStats s = stages.get(i);
      Json.appendString(sb.append(i == 0 ? "{" : ",{").append("\"name\":"), s.name());
      sb.append(",\"entered\":")
          .append(s.entered())
          .append(",\"forwarded\":")
          .append(s.forwarded())
          .append(",\"responded\":")
          .append(s.responded())
          .append(",\"failed\":")
          .append(s.failed())
          .append(",\"violations\":{");
      boolean first = true;
      for (Map.Entry<ViolationType, Long> e : s.violationsByType().entrySet()) {
        sb.append(first ? "\"" : ",\"")
            .append(e.getKey().name())
            .append("\":")
            .append(e.getValue());
        first = false;
      }
      sb.append("}}");
    }
    return sb.append("]}").toString();
  }

  /**
   * Renders the report as a GitHub-flavoured Markdown table, one row per stage in order.
   *
   * @return the table, ending with a newline
   */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| # | stage | entered | forwarded | responded | failed | violations |\n");
    sb.append("|---|---|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < stages.size(); i++) {
      StageStats s = stages.get(i);
      sb.append("| ")
          .append(i + 1)
          .append(" | ")
          .append(markdownCell(s.name()))
          .append(" | ")
          .append(s.entered())
          .append(" | ")
          .append(s.forwarded())
          .append(" | ")
          .append(s.responded())
          .append(" | ")
          .append(s.failed())
          .append(" | ")
          .append(violationText(s))
          .append(" |\n");
    }
    return sb.toString();
  }

  /**
   * Renders the report as Mermaid flowchart text: one node per stage in order with its counters,
   * edges labelled with the forwarded count, and stages with violations highlighted.
   *
   * @return the Mermaid source, ending with a newline
   */
  public String toMermaid() {
    StringBuilder sb = new StringBuilder();
    sb.append("flowchart LR\n");
    sb.append("  classDef violation stroke:#d00,stroke-width:3px\n");
    for (int i = 0; i < stages.size(); i++) {
      StageStats s = stages.get(i);
      sb.append("  s")
          .append(i)
          .append("[\"")
          .append(mermaidText(s.name()))
          .append("<br/>entered ")
          .append(s.entered())
          .append("<br/>forwarded ")
          .append(s.forwarded())
          .append("<br/>responded ")
          .append(s.responded())
          .append("<br/>failed ")
          .append(s.failed())
          .append("<br/>violations ")
          .append(s.violations());
      if (s.violations() > 0) {
        sb.append(": ").append(violationText(s));
      }
      sb.append("\"]");
      if (s.violations() > 0) {
        sb.append(":::violation");
      }
      sb.append('\n');
    }
    for (int i = 0; i + 1 < stages.size(); i++) {
      sb.append("  s")
          .append(i)
          .append(" -->|")
          .append(stages.get(i).forwarded())
          .append("| s")
          .append(i + 1)
          .append('\n');
    }
    return sb.toString();
  }

  private static String violationText(StageStats s) {
    if (s.violations() == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<ViolationType, Long> e : s.violationsByType().entrySet()) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(e.getKey().name())
          .append(' ')
          .append(e.getValue());
    }
    return sb.toString();
  }

  private static String markdownCell(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ");
  }

  /** Mermaid entity codes keep quotes and markup in stage names from breaking the node label. */
  private static String mermaidText(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          sb.append("#quot;");
          break;
        case '<':
          sb.append("#lt;");
          break;
        case '>':
          sb.append("#gt;");
          break;
        case '#':
          sb.append("#35;");
          break;
        case '\n':
        case '\r':
          sb.append(' ');
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ChainReport(" + chain + ", " + stages + ")";
  }
}
