package org.weverywhere.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere fetch PEER LIBRARY -o FILE}: a library's module bytes, checked, written whole
 * or not at all.
 */
@Command(
    name = "fetch",
    description = {
      "Download a library's module from a daemon over its HTTP bulk channel.",
      "The bytes must have the SHA-256 the daemon's signed reply names (and --sha256, if given); the file appears complete or not at all, and an existing file is kept unless --force."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere fetch test-daemon math -o math.wasi",
      "  weverywhere fetch SHA256:3xK9 math -o math.wasi --sha256 0f5c...",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port]."
    })
final class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PEER", description = "The daemon to fetch from.")
  String peer;

  @Parameters(
      index = "1",
      paramLabel = "LIBRARY",
      description = "The library's name (or hash) on that daemon.")
  String library;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      required = true,
      description = "Where to write the module.")
  Path output;

  @Option(
      names = "--sha256",
      paramLabel = "HEX",
      description = "The hash the module must have (64 hex digits).")
  String expected;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Option(names = "--json", description = "Print what was written as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    Optional<byte[]> wanted = Optional.ofNullable(expected).map(this::hash);
    if (!force && Files.exists(output)) {
      throw new WeverywhereException(
          ErrorCode.IO_EXISTS, output + ": already exists; use --force to replace it");
    }
    DiscoveredPeer found = new Peers(client, spec.commandLine().getErr()).resolve(peer);
    client.say("fetching " + library + " from " + found.http());
    Message.ModuleReply module =
        client.daemons().fetch(found.address(), new Message.Fetch(library, wanted));
    String actual = HexFormat.of().formatHex(sha256(module.module()));
    String promised = HexFormat.of().formatHex(module.sha256());
    if (!actual.equals(promised)) {
      throw new CommandException(
          ErrorCode.PROTOCOL_HASH_MISMATCH,
          library
              + " from "
              + found.label()
              + ": received bytes hash to "
              + actual
              + ", the reply says "
              + promised
              + "; nothing written");
    }
    if (wanted.isPresent() && !actual.equals(HexFormat.of().formatHex(wanted.get()))) {
      throw new CommandException(
          ErrorCode.PROTOCOL_HASH_MISMATCH,
          library
              + " from "
              + found.label()
              + ": received bytes hash to "
              + actual
              + ", not --sha256 "
              + expected
              + "; nothing written");
    }
    write(module.module());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("file", output.toString());
      doc.put("library", module.library());
      doc.put("peer", found.name());
      doc.put("node", found.node().toString());
      doc.put("size", module.module().length);
      doc.put("sha256", actual);
      out.println(Json.document(doc));
    } else {
      out.printf(
          "%s  %d bytes  sha256 %s  (%s from %s)%n",
          output, module.module().length, actual, module.library(), found.label());
    }
    out.flush();
    return ExitStatus.OK;
  }

  private byte[] hash(String hex) {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--sha256': '" + hex + "' is not 64 hex digits");
    }
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] sha256(byte[] bytes) {
    return Sha256.of(bytes);
  }

  /** Written beside the target, flushed, then linked (or renamed, with --force) into place. */
  private void write(byte[] content) {
    Path directory = output.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(directory, ".fetch-", ".part");
      // a temporary file is private (0600); a fetched module is not a secret, so it reads like any
      // download
      if (Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(
            temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (force) {
        Files.move(
            temporary, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // a hard link fails if the name appeared meanwhile, where rename(2) would replace it
        Files.createLink(output, temporary);
        Files.delete(temporary);
      }
      temporary = null;
    } catch (FileAlreadyExistsException exists) {
      throw new WeverywhereException(
          ErrorCode.IO_EXISTS, output + ": already exists; use --force to replace it", exists);
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNWRITABLE, output + ": cannot write: " + failed.getMessage(), failed);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the partial file is hidden and named .part; nothing more to do
        }
      }
    }
  }
}
