package org.weverywhere.wasm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the JSON payload of the {@code weverywhere} custom section, strictly and within bounds.
 */
final class MetadataReader {
  /** Larger payloads are refused unread: metadata is a description, not a data store. */
  static final int MAX_PAYLOAD = 64 * 1024;

  private static final Set<String> TYPES = Set.of("i32", "i64", "f32", "f64", "bytes", "string");
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(8)
                      .maxStringLength(MAX_PAYLOAD)
                      .maxNumberLength(32)
                      .build())
              .build());

  private MetadataReader() {}

  /**
   * @throws IllegalArgumentException with a one-line reason when the payload is not valid
   */
  static ModuleMetadata read(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    Map<String, ModuleMetadata.FunctionDoc> functions = new LinkedHashMap<>();
    JsonNode fns = root.path("functions");
    if (!fns.isMissingNode()) {
      if (!fns.isObject()) {
        throw new IllegalArgumentException("'functions' must be an object");
      }
      for (var field : fns.properties()) {
        functions.put(field.getKey(), function(field.getKey(), field.getValue()));
      }
    }
    return new ModuleMetadata(
        text(root, "name", "name"),
        text(root, "version", "version"),
        text(root, "description", "description"),
        functions);
  }

  private static ModuleMetadata.FunctionDoc function(String name, JsonNode node) {
    String where = "functions." + name;
    if (!node.isObject()) {
      throw new IllegalArgumentException("'" + where + "' must be an object");
    }
    return new ModuleMetadata.FunctionDoc(
        text(node, "description", where + ".description"),
        values(node.path("params"), where + ".params"),
        values(node.path("results"), where + ".results"));
  }

  private static List<ModuleMetadata.Value> values(JsonNode node, String where) {
    if (node.isMissingNode()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("'" + where + "' must be an array");
    }
    List<ModuleMetadata.Value> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = where + "[" + i + "]";
      if (item.isTextual()) {
        values.add(new ModuleMetadata.Value(item.asText(), Optional.empty()));
      } else if (item.isObject() && item.path("name").isTextual()) {
        Optional<String> type = text(item, "type", at + ".type");
        if (type.isPresent() && !TYPES.contains(type.get())) {
          throw new IllegalArgumentException(
              "'" + at + ".type' is '" + type.get() + "', expected one of " + TYPES);
        }
        values.add(new ModuleMetadata.Value(item.path("name").asText(), type));
      } else {
        throw new IllegalArgumentException(
            "'" + at + "' must be a name or an object with a 'name'");
      }
    }
    return values;
  }

  private static Optional<String> text(JsonNode node, String field, String where) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("'" + where + "' must be a string");
    }
    return Optional.of(value.asText());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
