package org.weverywhere.wasm;

/**
 * What an import or export is: a function, table, memory, global or exception tag, with its type.
 */
public sealed interface ExternType {
  /** The kind's name in the text format: {@code func}, {@code table}, {@code memory}, ... */
  String kind();

  /** A function with its signature. */
  record Function(FuncType type) implements ExternType {
    @Override
    public String kind() {
      return "func";
    }

    @Override
    public String toString() {
      return "func " + type;
    }
  }

  /** A table of references. */
  record Table(ValueType element, Limits limits) implements ExternType {
    @Override
    public String kind() {
      return "table";
    }

    @Override
    public String toString() {
      return "table " + limits + " " + element;
    }
  }

  /** A linear memory; limits in 64 KiB pages. */
  record Memory(Limits limits) implements ExternType {
    @Override
    public String kind() {
      return "memory";
    }

    @Override
    public String toString() {
      return "memory "
          + limits
          + " pages"
          + (limits.shared() ? " shared" : "")
          + (limits.index64() ? " i64" : "");
    }
  }

  /** A global variable. */
  record Global(ValueType type, boolean mutable) implements ExternType {
    @Override
    public String kind() {
      return "global";
    }

    @Override
    public String toString() {
      return "global " + (mutable ? "mut " : "") + type;
    }
  }

  /** An exception tag (exception-handling proposal), typed like a function's parameters. */
  record Tag(FuncType type) implements ExternType {
    @Override
    public String kind() {
      return "tag";
    }

    @Override
    public String toString() {
      return "tag " + type;
    }
  }
}
