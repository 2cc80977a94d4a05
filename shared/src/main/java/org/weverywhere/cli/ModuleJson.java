package org.weverywhere.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.weverywhere.WeverywhereException;
import org.weverywhere.trust.SignatureGroups;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.Limits;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleMetadata;
import org.weverywhere.wasm.ModuleSignatures;
import org.weverywhere.wasm.ValueType;
import org.weverywhere.wasm.WasmFormatException;

/**
 * The {@code inspect --json} form of a module, written field by field so that the schema in
 * docs/inspect.schema.json is a promise the Java records cannot break by being refactored.
 */
final class ModuleJson {
  /** Bumped only when a field changes meaning or disappears; new fields keep the version. */
  static final int SCHEMA_VERSION = 1;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ModuleJson() {}

  /**
   * The report with its signatures: {@code signed}, and each signer with its verdict and groups.
   */
  static ObjectNode of(
      Path path,
      ModuleInfo info,
      ModuleSignatures.Report report,
      Optional<SignatureGroups> groups) {
    ObjectNode o = of(path, info);
    o.put("signed", report.signed());
    ArrayNode signatures = o.putArray("signatures");
    for (ModuleSignatures.Check check : report.checks()) {
      ObjectNode n = signatures.addObject();
      if (check.signer().isPresent()) {
        n.put("signer", check.signer().get().toString());
      } else {
        n.putNull("signer");
      }
      n.put("valid", check.valid());
      n.put("detail", check.detail());
      if (groups.isPresent() && check.signer().isPresent()) {
        ArrayNode names = n.putArray("groups");
        groups.get().membership(check.signer().get()).groups().forEach(names::add);
      } else {
        n.putNull("groups");
      }
    }
    return o;
  }

  static ObjectNode of(Path path, ModuleInfo info) {
    ObjectNode o = F.objectNode();
    o.put("schemaVersion", SCHEMA_VERSION);
    o.put("path", path.toString());
    o.put("size", info.size());
    o.put("sha256", info.sha256());
    o.put("kind", info.kind().text());
    o.put("wasi", info.wasi().text());
    ArrayNode memories = o.putArray("memories");
    info.memories().forEach(m -> memories.add(limits(m)));
    ArrayNode imports = o.putArray("imports");
    for (var i : info.imports()) {
      ObjectNode n = imports.addObject();
      n.put("module", i.module());
      n.put("name", i.name());
      extern(n, i.type());
    }
    ArrayNode exports = o.putArray("exports");
    for (var e : info.exports()) {
      ObjectNode n = exports.addObject();
      n.put("name", e.name());
      n.put("index", e.index());
      extern(n, e.type());
    }
    o.put("functionCount", info.functionCount());
    ArrayNode customs = o.putArray("customSections");
    for (var c : info.customSections()) {
      customs.addObject().put("name", c.name()).put("offset", c.offset()).put("size", c.size());
    }
    if (info.producers().isPresent()) {
      ObjectNode producers = o.putObject("producers");
      info.producers()
          .get()
          .fields()
          .forEach(
              (field, tools) -> {
                ArrayNode list = producers.putArray(field);
                tools.forEach(
                    t -> list.addObject().put("name", t.name()).put("version", t.version()));
              });
    } else {
      o.putNull("producers");
    }
    ObjectNode names = o.putObject("names");
    optional(names, "module", info.moduleName());
    ObjectNode functions = names.putObject("functions");
    info.functionNames().forEach((index, name) -> functions.put(Long.toString(index), name));
    if (info.metadata().isPresent()) {
      o.set("metadata", metadata(info.metadata().get(), info));
    } else {
      o.putNull("metadata");
    }
    ArrayNode warnings = o.putArray("warnings");
    info.warnings().forEach(warnings::add);
    return o;
  }

  static ObjectNode failure(Path path, WeverywhereException failure) {
    ObjectNode o = F.objectNode();
    o.put("schemaVersion", SCHEMA_VERSION);
    o.put("path", path.toString());
    ObjectNode error = o.putObject("error");
    error.put("code", failure.code().code());
    if (failure.getCause() instanceof WasmFormatException format) {
      error.put("offset", format.offset());
      error.put("message", format.reason());
    } else {
      error.putNull("offset");
      error.put("message", failure.getMessage());
    }
    return o;
  }

  private static void extern(ObjectNode n, ExternType type) {
    n.put("kind", type.kind());
    n.put("signature", type.toString().substring(type.kind().length() + 1));
    switch (type) {
      case ExternType.Function f -> funcType(n, f.type());
      case ExternType.Tag t -> funcType(n, t.type());
      case ExternType.Table t -> {
        n.put("element", t.element().text());
        n.set("limits", limits(t.limits()));
      }
      case ExternType.Memory m -> n.set("limits", limits(m.limits()));
      case ExternType.Global g -> n.put("valueType", g.type().text()).put("mutable", g.mutable());
    }
  }

  private static void funcType(ObjectNode n, FuncType type) {
    n.set("params", types(type.params()));
    n.set("results", types(type.results()));
  }

  private static ArrayNode types(List<ValueType> types) {
    ArrayNode a = F.arrayNode();
    types.forEach(t -> a.add(t.text()));
    return a;
  }

  private static ObjectNode limits(Limits limits) {
    ObjectNode n = F.objectNode();
    n.put("min", limits.min());
    if (limits.max().isPresent()) {
      n.put("max", limits.max().getAsLong());
    } else {
      n.putNull("max");
    }
    n.put("shared", limits.shared());
    n.put("index64", limits.index64());
    return n;
  }

  private static ObjectNode metadata(ModuleMetadata m, ModuleInfo info) {
    ObjectNode n = F.objectNode();
    optional(n, "name", m.name());
    optional(n, "version", m.version());
    optional(n, "description", m.description());
    ObjectNode functions = n.putObject("functions");
    m.functions()
        .forEach(
            (name, doc) -> {
              ObjectNode f = functions.putObject(name);
              optional(f, "description", doc.description());
              f.set("params", values(doc.params()));
              f.set("results", values(doc.results()));
              // as callers see it, with the byte strings it declares (docs/SERVICES.md); absent if
              // not exported
              CallSignature.of(info, name)
                  .ifPresent(signature -> f.put("signature", signature.toString()));
            });
    return n;
  }

  private static ArrayNode values(List<ModuleMetadata.Value> values) {
    ArrayNode a = F.arrayNode();
    for (var v : values) {
      ObjectNode item = a.addObject().put("name", v.name());
      optional(item, "type", v.type());
    }
    return a;
  }

  private static void optional(ObjectNode n, String field, Optional<String> value) {
    if (value.isPresent()) {
      n.put(field, value.get());
    } else {
      n.putNull(field);
    }
  }
}
