import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the classes of a jar that are older than Java 6's class file format (picocli is built
 * for Java 5) to Java 8's, with the stack maps the newer format carries. The JDK's AOT cache skips
 * such old classes once they are linked ("Old class has been linked"), so without this every CLI
 * start parsed and verified picocli's ~180 classes anew (docs/PERFORMANCE.md, issue 16). The code
 * itself is unchanged: only the version and the stack maps, which the JDK's class-file API computes.
 *
 * <p>Run at package time by the shared module on JDK 24+: {@code java OldClassUpgrade.java JAR}. A
 * class the API cannot rewrite is kept as it was and named on stderr: it then only misses the cache.
 */
public final class OldClassUpgrade {
  private static final int OLDEST_CACHEABLE = ClassFile.JAVA_6_VERSION;

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: java OldClassUpgrade.java JAR");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    try {
      rewrite(jar);
    } catch (IOException | UncheckedIOException | IllegalArgumentException failed) {
      System.err.println("OldClassUpgrade: cannot rewrite " + jar + ": " + failed);
      System.exit(1);
    }
  }

  private static void rewrite(Path jar) throws IOException {
    Path rewritten = jar.resolveSibling(jar.getFileName() + ".upgrading");
    int upgraded = 0;
    int kept = 0;
    try {
      try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(rewritten))) {
      Map<ClassDesc, String> entries = new HashMap<>();
      in.stream()
          .filter(e -> e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/"))
          .forEach(e -> entries.put(descriptor(e.getName()), e.getName()));
      // merges of picocli's own types need its hierarchy, read from the jar being rewritten
      ClassHierarchyResolver fromJar =
          ClassHierarchyResolver.ofResourceParsing(
              desc -> {
                String name = entries.get(desc);
                if (name == null) {
                  return null;
                }
                try {
                  return in.getInputStream(in.getEntry(name));
                } catch (IOException unreadable) {
                  throw new UncheckedIOException(unreadable);
                }
              });
      ClassFile classFile =
          ClassFile.of(
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.defaultResolver().orElse(fromJar).cached()),
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
      for (ZipEntry entry : in.stream().toList()) {
        byte[] bytes;
        try (InputStream content = in.getInputStream(entry)) {
          bytes = content.readAllBytes();
        }
        if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
          try {
            ClassModel model = classFile.parse(bytes);
            if (model.majorVersion() < OLDEST_CACHEABLE) {
              bytes = upgrade(classFile, model);
              upgraded++;
            }
          } catch (IllegalArgumentException | IllegalStateException refused) {
            // the JVM will judge this class as it always did; it only misses the cache
            System.err.println("OldClassUpgrade: kept " + entry.getName() + " as it was: " + refused);
            kept++;
          }
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
      Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(rewritten); // after a failure: the jar itself is left as it was
    }
    System.out.println(
        "OldClassUpgrade: " + upgraded + " classes of " + jar + " now Java 8's format, " + kept + " kept");
  }

  /** The class an entry holds by its name, or null for a name no class has. */
  private static ClassDesc descriptor(String entry) {
    try {
      return ClassDesc.ofInternalName(entry.substring(0, entry.length() - ".class".length()));
    } catch (IllegalArgumentException notAClassName) {
      return null;
    }
  }

  private static byte[] upgrade(ClassFile classFile, ClassModel model) {
    ClassTransform version =
        (builder, element) -> {
          if (element instanceof ClassFileVersion) {
            builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
          } else {
            builder.with(element);
          }
        };
    // rebuilding every method body is what makes the API compute its stack map
    return classFile.transformClass(
        model, version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
  }
}
