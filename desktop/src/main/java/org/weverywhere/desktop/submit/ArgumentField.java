package org.weverywhere.desktop.submit;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.weverywhere.wasm.ValueType;

/**
 * One parameter of the argument form: what the user typed, and whether it parses as the parameter's
 * type (checked on every keystroke, so the form can say what is wrong before sending).
 */
public final class ArgumentField {
  private final String label;
  private final ValueType type;
  private final StringProperty text = new SimpleStringProperty(this, "text", "");
  private final ReadOnlyObjectWrapper<NumberText.Parsed> parsed =
      new ReadOnlyObjectWrapper<>(this, "parsed");

  ArgumentField(String label, ValueType type) {
    this.label = label;
    this.type = type;
    parsed.bind(text.map(t -> NumberText.parse(type, t)));
  }

  /** The parameter's name from the module's metadata, else its position (e.g. {@code #0}). */
  public String label() {
    return label;
  }

  public ValueType type() {
    return type;
  }

  /** What the user typed: the one writable property, the input itself. */
  public StringProperty textProperty() {
    return text;
  }

  public ReadOnlyObjectProperty<NumberText.Parsed> parsedProperty() {
    return parsed.getReadOnlyProperty();
  }

  /** Why the text is not valid, or empty while it is. */
  public String problem() {
    return parsed.get() instanceof NumberText.Parsed.Invalid invalid ? invalid.reason() : "";
  }
}
