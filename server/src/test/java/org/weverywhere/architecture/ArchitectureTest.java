package org.weverywhere.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the daemon and the shared core, as docs/ARCHITECTURE.md draws it: no cycles,
 * and each layer used only by the layers above it. The composition root ({@code
 * org.weverywhere.daemon}) wires everything and nothing depends on it; shared host state lives in
 * {@code org.weverywhere.host}, below every part that uses it.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // jars included: in a reactor build the shared module comes as its jar
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.weverywhere");
  }

  @Test
  void noPackageCycles() {
    slices().matching("org.weverywhere.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void eachLayerIsUsedOnlyByTheLayersAboveIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Composition")
        .definedBy("org.weverywhere.daemon", "org.weverywhere.daemon.health..")
        .layer("Endpoints")
        .definedBy("org.weverywhere.daemon.endpoint..")
        .layer("Control")
        .definedBy("org.weverywhere.control..")
        .layer("Services")
        .definedBy("org.weverywhere.service..", "org.weverywhere.idempotency..")
        .layer("Engines")
        .definedBy("org.weverywhere.exec.chicory..", "org.weverywhere.exec.wasmtime..")
        .layer("Work")
        .definedBy(
            "org.weverywhere.exec",
            "org.weverywhere.exec.host..",
            "org.weverywhere.exec.fs..",
            "org.weverywhere.store..",
            "org.weverywhere.traffic..",
            "org.weverywhere.events..")
        .layer("Host")
        .definedBy("org.weverywhere.host..")
        .layer("Cli")
        .definedBy("org.weverywhere.cli..")
        .layer("Core")
        .definedBy(
            "org.weverywhere",
            "org.weverywhere.config..",
            "org.weverywhere.trust..",
            "org.weverywhere.wasm..",
            "org.weverywhere.files..",
            "org.weverywhere.protocol..",
            "org.weverywhere.net..")
        .whereLayer("Composition")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Endpoints")
        .mayOnlyBeAccessedByLayers("Composition")
        .whereLayer("Control")
        .mayOnlyBeAccessedByLayers("Composition", "Endpoints")
        .whereLayer("Services")
        .mayOnlyBeAccessedByLayers("Composition", "Endpoints", "Control")
        .whereLayer("Engines")
        .mayOnlyBeAccessedByLayers("Composition")
        .whereLayer("Work")
        .mayOnlyBeAccessedByLayers("Composition", "Endpoints", "Control", "Services", "Engines")
        .whereLayer("Host")
        .mayOnlyBeAccessedByLayers("Composition", "Endpoints", "Control", "Services", "Work")
        .whereLayer("Cli")
        .mayNotBeAccessedByAnyLayer()
        .check(classes);
  }
}
