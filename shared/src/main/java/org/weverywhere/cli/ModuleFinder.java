package org.weverywhere.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * Expands the paths a user names into module files: files as given, directories walked (links
 * followed, loops reported) for {@code *.wasm} and {@code *.wasi}, in a stable sorted order.
 */
final class ModuleFinder {
  /** A file to read, or a path that could not be walked; in the order the user will see them. */
  sealed interface Found {
    Path path();
  }

  record ModuleFile(Path path) implements Found {}

  record Unreachable(Path path, WeverywhereException failure) implements Found {}

  List<Found> find(List<Path> paths) {
    List<Found> found = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        walk(path, found);
      } else if (Files.exists(path)) {
        found.add(new ModuleFile(path));
      } else {
        found.add(
            new Unreachable(
                path,
                new WeverywhereException(
                    ErrorCode.IO_UNREADABLE, path + ": no such file or directory")));
      }
    }
    return found;
  }

  private static boolean isModuleName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".wasm") || name.endsWith(".wasi");
  }

  private static void walk(Path root, List<Found> found) {
    List<Found> inTree = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && isModuleName(file)) {
                inTree.add(new ModuleFile(file));
              } else if (attrs.isSymbolicLink() && isModuleName(file)) {
                // With FOLLOW_LINKS, a link is only seen as itself when its target is gone.
                inTree.add(
                    new Unreachable(
                        file,
                        new WeverywhereException(
                            ErrorCode.IO_UNREADABLE,
                            file + ": no such file or directory (a dangling link)")));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              inTree.add(new Unreachable(file, failure(file, e)));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      inTree.add(new Unreachable(root, failure(root, e)));
    }
    inTree.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    found.addAll(inTree);
  }

  private static WeverywhereException failure(Path path, IOException e) {
    return switch (e) {
      case FileSystemLoopException loop ->
          new WeverywhereException(
              ErrorCode.IO_LOOP,
              path + ": directory loop (a link leads back to a parent); not followed",
              e);
      case AccessDeniedException denied ->
          new WeverywhereException(ErrorCode.IO_UNREADABLE, path + ": permission denied", e);
      case NoSuchFileException gone ->
          new WeverywhereException(
              ErrorCode.IO_UNREADABLE, path + ": no such file or directory (a dangling link?)", e);
      default -> new WeverywhereException(ErrorCode.IO_UNREADABLE, path + ": " + e, e);
    };
  }
}
