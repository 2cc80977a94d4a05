package org.weverywhere.desktop.submit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.weverywhere.desktop.client.RemoteFunction;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.protocol.Message;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleMetadata;

/**
 * Something that can be run: a local module sent with the request, or a library a peer already has.
 */
public sealed interface Program {
  /**
   * Functions offered for a typed call ({@code _start} and {@code _initialize} left out: nothing to
   * type).
   */
  List<String> functions();

  /**
   * The signature of {@code function}, if this program exports one by that name with a readable
   * type.
   */
  Optional<FuncType> signature(String function);

  /** Parameter names and descriptions, when the program carries them. */
  Optional<ModuleMetadata.FunctionDoc> doc(String function);

  /** What the execute request names. */
  Message.Target target();

  /** Where it must run: a library's peer; empty for a local module, which can go to any peer. */
  Optional<ExplorerEvent.PeerChoice> home();

  /** A module file opened on the Modules screen; its bytes travel with the request. */
  record Module(Path file, byte[] bytes, ModuleInfo info) implements Program {
    public List<String> functions() {
      return info.exports().stream()
          .filter(e -> e.type() instanceof ExternType.Function)
          .map(e -> e.name())
          .filter(Program::typedCall)
          .toList();
    }

    public Optional<FuncType> signature(String function) {
      return info.exportedFunction(function).map(e -> ((ExternType.Function) e.type()).type());
    }

    public Optional<ModuleMetadata.FunctionDoc> doc(String function) {
      return info.metadata().map(md -> md.functions().get(function));
    }

    public Message.Target target() {
      return new Message.ModuleTarget(bytes);
    }

    public Optional<ExplorerEvent.PeerChoice> home() {
      return Optional.empty();
    }

    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  /**
   * A library a peer offers, as its {@code describe} listed it: the typed form comes from the
   * listed signatures (no parameter names: describe does not carry them), and the request names the
   * library.
   */
  record Library(ExplorerEvent.PeerChoice peer, Message.Library library) implements Program {
    public List<String> functions() {
      return remote()
          .filter(f -> f.type().isPresent())
          .map(RemoteFunction::name)
          .filter(Program::typedCall)
          .toList();
    }

    public Optional<FuncType> signature(String function) {
      return remote()
          .filter(f -> f.name().equals(function))
          .findFirst()
          .flatMap(RemoteFunction::type);
    }

    public Optional<ModuleMetadata.FunctionDoc> doc(String function) {
      return Optional.empty();
    }

    private java.util.stream.Stream<RemoteFunction> remote() {
      return library.exports().stream().map(RemoteFunction::of);
    }

    public Message.Target target() {
      return new Message.LibraryTarget(library.name());
    }

    public Optional<ExplorerEvent.PeerChoice> home() {
      return Optional.of(peer);
    }

    /** Same peer, same library bytes: a repeated describe need not disturb a form being filled. */
    boolean sameAs(Library other) {
      return peer.address().node().equals(other.peer.address().node())
          && library.name().equals(other.library.name())
          && Arrays.equals(library.sha256(), other.library.sha256());
    }

    @Override
    public String toString() {
      return library.name() + " " + library.version() + " on " + peer.name();
    }
  }

  /**
   * {@code _start} and {@code _initialize} take no arguments to type: they are not offered for a
   * call.
   */
  private static boolean typedCall(String function) {
    return !function.equals("_start") && !function.equals("_initialize");
  }
}
