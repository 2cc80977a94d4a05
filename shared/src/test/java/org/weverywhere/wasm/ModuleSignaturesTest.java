package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;

class ModuleSignaturesTest {
  private static final KeyPair ALICE = Ed25519.generate();
  private static final KeyPair BOB = Ed25519.generate();

  @Test
  void signingKeepsEverySectionAndPutsTheSignatureFirst() {
    byte[] module = TestModules.everything();
    byte[] signed = ModuleSignatures.sign(module, ALICE);
    List<ModuleSignatures.Section> sections = ModuleSignatures.sections(signed);
    assertEquals("signature", sections.get(0).name());
    assertArrayEquals(
        Arrays.copyOfRange(module, 8, module.length),
        Arrays.copyOfRange(signed, sections.get(1).start(), signed.length),
        "content byte for byte");
    ModuleSignatures.Report report = ModuleSignatures.verify(signed);
    assertTrue(report.allValid());
    assertEquals(Fingerprint.of(ALICE.getPublic()), report.checks().get(0).signer().orElseThrow());
    assertFalse(ModuleSignatures.verify(module).signed());
  }

  @Test
  void paddedSectionSizesHashAsTheirShortestForm() {
    byte[] payload = {1, 2, 3};
    byte[] minimal =
        TestModules.module(
            TestModules.section(1, TestModules.bytes(0)), TestModules.custom("x", payload));
    // the same module with the custom section's size written in 5 bytes, as some linkers do
    byte[] name = TestModules.name("x");
    byte[] padded =
        TestModules.module(
            TestModules.section(1, TestModules.bytes(0)),
            TestModules.cat(
                TestModules.bytes(0, 0x80 | (name.length + 3), 0x80, 0x80, 0x80, 0x00),
                name,
                payload));
    byte[] signedMinimal = ModuleSignatures.sign(minimal, ALICE);
    byte[] signedPadded = ModuleSignatures.sign(padded, ALICE);
    assertTrue(ModuleSignatures.verify(signedPadded).allValid());
    // identical hashes, so identical (deterministic) signature sections
    int end = ModuleSignatures.sections(signedMinimal).get(0).end();
    assertArrayEquals(Arrays.copyOf(signedMinimal, end), Arrays.copyOf(signedPadded, end));
  }

  @Test
  void aSecondSignerIsAddedAndAChangedModuleDropsStaleSignatures() {
    byte[] both =
        ModuleSignatures.sign(ModuleSignatures.sign(TestModules.everything(), ALICE), BOB);
    assertEquals(2, ModuleSignatures.verify(both).checks().size());
    assertTrue(ModuleSignatures.verify(both).allValid());

    byte[] changed = TestModules.cat(both, TestModules.custom("extra", new byte[] {9}));
    ModuleSignatures.Report tampered = ModuleSignatures.verify(changed);
    assertTrue(tampered.signed());
    assertFalse(tampered.allValid());
    assertEquals("module content changed after signing", tampered.checks().get(0).detail());

    ModuleSignatures.Report resigned = ModuleSignatures.verify(ModuleSignatures.sign(changed, BOB));
    assertEquals(1, resigned.checks().size(), "alice's signature covered the old content");
    assertTrue(resigned.allValid());
  }

  @Test
  void aSignatureSectionThatIsNotFirstOrIsBrokenIsInvalidNotUnsigned() {
    byte[] signed = ModuleSignatures.sign(TestModules.everything(), ALICE);
    int end = ModuleSignatures.sections(signed).get(0).end();
    byte[] moved =
        TestModules.cat(
            Arrays.copyOf(TestModules.everything(), TestModules.everything().length),
            Arrays.copyOfRange(signed, 8, end));
    ModuleSignatures.Report notFirst = ModuleSignatures.verify(moved);
    assertTrue(notFirst.signed() && !notFirst.allValid());
    assertTrue(
        notFirst.checks().get(0).detail().contains("not the first"),
        notFirst.checks().get(0).detail());

    byte[] broken = TestModules.module(TestModules.custom("signature", new byte[] {1, 1, 1, 5}));
    ModuleSignatures.Report malformed = ModuleSignatures.verify(broken);
    assertTrue(malformed.signed() && !malformed.allValid());
    assertTrue(malformed.checks().get(0).detail().startsWith("signature section is malformed"));
  }

  @Property(tries = 500)
  void mutatedSignedModulesNeverVerifyAndFailOnlyAsFormatErrors(@ForAll("mutants") byte[] mutant) {
    try {
      assertFalse(ModuleSignatures.verify(mutant).allValid(), "a mutated module verified");
    } catch (WasmFormatException expected) {
      // a module too broken to find its sections: reported as a format error, never thrown as
      // anything else
    }
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    byte[] signed =
        ModuleSignatures.sign(ModuleSignatures.sign(TestModules.everything(), ALICE), BOB);
    return Combinators.combine(
            Arbitraries.integers().between(8, signed.length - 1),
            Arbitraries.integers().between(1, 255))
        .as(
            (at, flip) -> {
              byte[] out = signed.clone();
              out[at] ^= (byte) (int) flip;
              return out;
            });
  }
}
