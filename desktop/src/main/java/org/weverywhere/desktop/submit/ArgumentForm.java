package org.weverywhere.desktop.submit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleMetadata;
import org.weverywhere.wasm.ValueType;

/** The typed input form for one function: a field per parameter, valid when every field parses. */
public final class ArgumentForm {
  private final String function;
  private final FuncType type;
  private final List<ArgumentField> fields;
  private final BooleanBinding valid;

  /**
   * The form for {@code function} of signature {@code type}; parameter names come from {@code doc}
   * when it has them.
   */
  public ArgumentForm(String function, FuncType type, Optional<ModuleMetadata.FunctionDoc> doc) {
    this.function = function;
    this.type = type;
    List<ArgumentField> built = new ArrayList<>();
    for (int i = 0; i < type.params().size(); i++) {
      ValueType param = type.params().get(i);
      int at = i;
      String name =
          doc.filter(d -> d.params().size() > at)
              .map(d -> d.params().get(at).name())
              .orElse("#" + i);
      built.add(new ArgumentField(name, param));
    }
    this.fields = List.copyOf(built);
    this.valid =
        Bindings.createBooleanBinding(
            () ->
                fields.stream()
                    .allMatch(f -> f.parsedProperty().get() instanceof NumberText.Parsed.Valid),
            fields.stream().map(ArgumentField::parsedProperty).toArray(Observable[]::new));
  }

  public String function() {
    return function;
  }

  public FuncType type() {
    return type;
  }

  public List<ArgumentField> fields() {
    return fields;
  }

  /** True when every field holds a value of its type. */
  public BooleanBinding validBinding() {
    return valid;
  }

  /** The arguments, in order; only call while {@link #validBinding()} is true. */
  public List<WasmValue> values() {
    List<WasmValue> values = new ArrayList<>();
    for (ArgumentField field : fields) {
      if (!(field.parsedProperty().get() instanceof NumberText.Parsed.Valid ok)) {
        throw new IllegalStateException(field.label() + ": " + field.problem());
      }
      values.add(ok.value());
    }
    return values;
  }
}
