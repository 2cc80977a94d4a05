package org.weverywhere.desktop.modules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.weverywhere.wasm.CustomSection;
import org.weverywhere.wasm.Export;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.Import;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleMetadata;
import org.weverywhere.wasm.ModuleSignatures;
import org.weverywhere.wasm.Producers;

/**
 * What the Modules screen shows about one module, as a tree of lines (the view turns it into a
 * TreeView), built without a screen so it can be tested as text.
 */
public record Outline(String text, List<Outline> children) {
  public Outline {
    children = List.copyOf(children);
  }

  static Outline leaf(String text) {
    return new Outline(text, List.of());
  }

  /** The child whose text starts with {@code prefix}, for tests and lookups. */
  public Outline child(String prefix) {
    return children.stream()
        .filter(c -> c.text().startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no child '" + prefix + "' under " + text));
  }

  /**
   * The outline of {@code module}: summary, exports, imports, metadata, custom sections,
   * signatures.
   */
  public static Outline of(LocalModule module) {
    ModuleInfo info = module.info();
    List<Outline> sections = new ArrayList<>();
    sections.add(
        new Outline(
            "Summary",
            List.of(
                leaf("kind: " + info.kind().text()),
                leaf("WASI: " + info.wasi().text()),
                leaf("size: " + info.size() + " bytes"),
                leaf("sha256: " + info.sha256()),
                leaf("functions defined: " + info.functionCount()),
                leaf(
                    "memories: "
                        + (info.memories().isEmpty()
                            ? "none"
                            : info.memories().toString().replace("[", "").replace("]", "")
                                + " pages")),
                leaf("module name: " + info.moduleName().orElse("—")))));
    sections.add(
        new Outline(
            "Exports (" + info.exports().size() + ")",
            info.exports().stream().map(e -> leaf(export(e, info))).toList()));
    sections.add(
        new Outline(
            "Imports (" + info.imports().size() + ")",
            info.imports().stream().map(Outline::importLine).toList()));
    sections.add(metadata(info));
    sections.add(
        new Outline(
            "Custom sections (" + info.customSections().size() + ")",
            info.customSections().stream().map(Outline::custom).toList()));
    info.producers().ifPresent(p -> sections.add(producers(p)));
    sections.add(signatures(module.signatures()));
    if (!info.warnings().isEmpty()) {
      sections.add(
          new Outline(
              "Warnings (" + info.warnings().size() + ")",
              info.warnings().stream().map(Outline::leaf).toList()));
    }
    return new Outline(module.file().getFileName().toString(), sections);
  }

  private static String export(Export e, ModuleInfo info) {
    String line = e.name() + ": " + e.type();
    if (e.type() instanceof ExternType.Function) {
      String doc =
          info.metadata()
              .map(m -> m.functions().get(e.name()))
              .flatMap(ModuleMetadata.FunctionDoc::description)
              .map(d -> " — " + d)
              .orElse("");
      return line + doc;
    }
    return line;
  }

  private static Outline importLine(Import i) {
    return leaf(i.module() + "." + i.name() + ": " + i.type());
  }

  private static Outline custom(CustomSection c) {
    return leaf(c.name() + " (" + c.size() + " bytes at " + c.offset() + ")");
  }

  private static Outline metadata(ModuleInfo info) {
    if (info.metadata().isEmpty()) {
      return new Outline("Metadata: none (no '" + ModuleMetadata.SECTION + "' section)", List.of());
    }
    ModuleMetadata m = info.metadata().get();
    List<Outline> lines = new ArrayList<>();
    m.name().ifPresent(n -> lines.add(leaf("name: " + n)));
    m.version().ifPresent(v -> lines.add(leaf("version: " + v)));
    m.description().ifPresent(d -> lines.add(leaf("description: " + d)));
    for (Map.Entry<String, ModuleMetadata.FunctionDoc> f : m.functions().entrySet()) {
      ModuleMetadata.FunctionDoc doc = f.getValue();
      lines.add(
          leaf(
              f.getKey()
                  + "("
                  + values(doc.params())
                  + ") -> ("
                  + values(doc.results())
                  + ")"
                  + doc.description().map(d -> ": " + d).orElse("")));
    }
    return new Outline("Metadata", lines);
  }

  private static String values(List<ModuleMetadata.Value> values) {
    return String.join(
        ", ", values.stream().map(v -> v.name() + v.type().map(t -> ": " + t).orElse("")).toList());
  }

  private static Outline producers(Producers p) {
    return new Outline(
        "Producers",
        p.fields().entrySet().stream()
            .map(
                f ->
                    leaf(
                        f.getKey()
                            + ": "
                            + String.join(
                                ", ", f.getValue().stream().map(Object::toString).toList())))
            .toList());
  }

  private static Outline signatures(ModuleSignatures.Report report) {
    if (!report.signed()) {
      return new Outline("Signatures: unsigned", List.of());
    }
    return new Outline(
        "Signatures: " + (report.allValid() ? "all valid" : "NOT all valid"),
        report.checks().stream()
            .map(
                c ->
                    leaf(
                        (c.valid() ? "valid" : "INVALID")
                            + " — signer "
                            + c.signer().map(Object::toString).orElse("unknown")
                            + (c.detail().isEmpty() ? "" : ": " + c.detail())))
            .toList());
  }
}
