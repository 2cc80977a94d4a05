package org.weverywhere.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.SignatureGroups;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.Export;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.Limits;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleKind;
import org.weverywhere.wasm.ModuleMetadata;
import org.weverywhere.wasm.ModuleSignatures;

/** The human form of {@code inspect}: a compact report, labels and columns aligned. */
final class ModuleReport {
  private static final String LABEL = "  %-9s";

  private ModuleReport() {}

  static String render(Path path, ModuleInfo info) {
    var s = new StringBuilder();
    s.append(path).append('\n');
    line(s, "size", String.format("%,d bytes", info.size()));
    line(s, "sha256", info.sha256());
    line(s, "kind", kind(info));
    if (info.kind() == ModuleKind.COMPONENT) {
      line(s, "note", "component-model binary: its worlds are not read by this version");
      return s.toString();
    }
    info.metadata().ifPresent(m -> line(s, "module", about(m)));
    for (Limits memory : info.memories()) {
      line(s, "memory", memory(memory));
    }
    line(
        s,
        "functions",
        info.functionCount()
            + " defined, "
            + info.imports().stream().filter(i -> i.type() instanceof ExternType.Function).count()
            + " imported");

    line(s, "imports", Integer.toString(info.imports().size()));
    List<String[]> rows = new ArrayList<>();
    for (var i : info.imports()) {
      rows.add(new String[] {i.module() + "." + i.name(), i.type().toString()});
    }
    table(s, rows);

    line(s, "exports", Integer.toString(info.exports().size()));
    rows.clear();
    for (Export e : info.exports()) {
      rows.add(export(e, info.metadata()));
    }
    table(s, rows);

    wrapped(
        s,
        "custom",
        info.customSections().stream().map(c -> c.name() + " (" + c.size() + " B)").toList());
    info.producers()
        .ifPresent(
            p ->
                p.fields()
                    .forEach(
                        (field, tools) ->
                            line(
                                s,
                                "producer",
                                field
                                    + ": "
                                    + tools.stream()
                                        .map(Object::toString)
                                        .collect(Collectors.joining(", ")))));
    if (info.moduleName().isPresent() || !info.functionNames().isEmpty()) {
      line(
          s,
          "names",
          info.moduleName().map(n -> "module \"" + n + "\", ").orElse("")
              + info.functionNames().size()
              + " function names");
    }
    for (String warning : info.warnings()) {
      line(s, "warning", warning);
    }
    return s.toString();
  }

  /**
   * The signature lines: unsigned, or each signer with its verdict and (given groups) its groups.
   */
  static String signatures(ModuleSignatures.Report report, Optional<SignatureGroups> groups) {
    var s = new StringBuilder();
    if (!report.signed()) {
      line(s, "signed", "no");
      return s.toString();
    }
    long valid = report.checks().stream().filter(ModuleSignatures.Check::valid).count();
    line(
        s,
        "signed",
        report.allValid()
            ? "yes, " + valid + " valid signature" + (valid == 1 ? "" : "s")
            : "INVALID: "
                + (report.checks().size() - valid)
                + " of "
                + report.checks().size()
                + " signatures do not verify");
    for (ModuleSignatures.Check check : report.checks()) {
      String who = check.signer().map(Fingerprint::toString).orElse("(unknown key)");
      String verdict = check.valid() ? "valid" : "INVALID: " + check.detail();
      String inGroups =
          groups.isPresent() && check.signer().isPresent()
              ? "  groups: "
                  + String.join(", ", groups.get().membership(check.signer().get()).groups())
              : "";
      line(s, "signer", who + "  " + verdict + inGroups);
    }
    return s.toString();
  }

  private static String kind(ModuleInfo info) {
    String wasi =
        switch (info.wasi()) {
          case NONE -> "no WASI imports";
          case UNKNOWN -> "WASI not read";
          default -> "WASI " + info.wasi().text();
        };
    return info.kind().text() + ", " + wasi;
  }

  private static String about(ModuleMetadata m) {
    String head = (m.name().orElse("(unnamed)") + " " + m.version().orElse("")).trim();
    return m.description().map(d -> head + ": " + d).orElse(head);
  }

  private static String memory(Limits limits) {
    String range =
        limits.max().isPresent()
            ? limits
                + " pages ("
                + bytes(limits.min() * Limits.PAGE_SIZE)
                + ".."
                + bytes(limits.max().getAsLong() * Limits.PAGE_SIZE)
                + ")"
            : "at least "
                + limits.min()
                + " pages ("
                + bytes(limits.min() * Limits.PAGE_SIZE)
                + "), no maximum";
    return range + (limits.shared() ? ", shared" : "") + (limits.index64() ? ", 64-bit" : "");
  }

  private static String bytes(long n) {
    if (n >= 1L << 30 && n % (1L << 30) == 0) {
      return (n >> 30) + " GiB";
    }
    if (n >= 1L << 20 && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    return (n >> 10) + " KiB";
  }

  /**
   * An export row; functions the metadata documents show parameter names and the description, and
   * the types callers pass when it declares byte strings (the core signature in brackets).
   */
  private static String[] export(Export e, Optional<ModuleMetadata> metadata) {
    var doc = metadata.map(m -> m.functions().get(e.name()));
    if (e.type() instanceof ExternType.Function f && doc.isPresent()) {
      CallSignature declared;
      try {
        declared = CallSignature.declared(f.type(), doc.get());
      } catch (IllegalArgumentException contradicts) { // warned about; show the binary's truth
        declared = CallSignature.core(f.type());
      }
      String core = declared.hasByteStrings() ? " [core " + f.type() + "]" : "";
      return new String[] {
        e.name(), "func " + named(declared, doc.get()) + core, doc.get().description().orElse("")
      };
    }
    return new String[] {e.name(), e.type().toString()};
  }

  private static String named(CallSignature type, ModuleMetadata.FunctionDoc doc) {
    return "("
        + names(type.params(), doc.params())
        + ") -> "
        + (type.results().size() == 1 && doc.results().size() <= 1
            ? names(type.results(), doc.results())
            : "(" + names(type.results(), doc.results()) + ")");
  }

  private static String names(List<String> types, List<ModuleMetadata.Value> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      String name =
          i < values.size() && values.size() == types.size() ? " " + values.get(i).name() : "";
      parts.add(types.get(i) + name);
    }
    return String.join(", ", parts);
  }

  /** A list on as many lines as it needs, continuation lines under the first value. */
  private static void wrapped(StringBuilder s, String label, List<String> items) {
    final int width = 88;
    var current = new StringBuilder();
    for (String item : items) {
      if (current.length() > 0 && current.length() + item.length() + 2 > width) {
        line(s, label, current + ",");
        label = "";
        current.setLength(0);
      }
      current.append(current.length() > 0 ? ", " : "").append(item);
    }
    if (current.length() > 0) {
      line(s, label, current.toString());
    }
  }

  private static void line(StringBuilder s, String label, String value) {
    s.append(String.format(LABEL, label)).append(' ').append(value).append('\n');
  }

  private static void table(StringBuilder s, List<String[]> rows) {
    int[] widths = new int[3];
    for (String[] row : rows) {
      for (int c = 0; c < row.length - 1; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      var line = new StringBuilder("    ");
      for (int c = 0; c < row.length; c++) {
        boolean last = c == row.length - 1 || row[c + 1].isEmpty();
        line.append(last ? row[c] : String.format("%-" + widths[c] + "s  ", row[c]));
        if (last) {
          break;
        }
      }
      s.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
