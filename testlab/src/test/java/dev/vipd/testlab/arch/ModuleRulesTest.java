package dev.vipd.testlab.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.vipd.testlab.Namespaces;
import org.junit.jupiter.api.Test;

class ModuleRulesTest {
  private final JavaClasses classes =
      new ClassFileImporter().importClasses(Namespaces.class, ModuleRules.class, String.class);

  @Test
  void theRootPackageIsASliceOfItsOwnAndSubpackagesGoByTheirFirstSegment() {
    SliceAssignment slices = ModuleRules.topLevelPackagesOf("dev.vipd.testlab");
    assertThat(slices.getIdentifierOf(classes.get(Namespaces.class)))
        .isEqualTo(SliceIdentifier.of(ModuleRules.ROOT_SLICE));
    assertThat(slices.getIdentifierOf(classes.get(ModuleRules.class)))
        .isEqualTo(SliceIdentifier.of("arch"));
    assertThat(slices.getIdentifierOf(classes.get(String.class)))
        .isEqualTo(SliceIdentifier.ignore());
  }

  @Test
  void aPackageThatOnlySharesTheRootsPrefixIsNotPartOfIt() {
    SliceAssignment slices = ModuleRules.topLevelPackagesOf("dev.vipd.test");
    assertThat(slices.getIdentifierOf(classes.get(Namespaces.class)))
        .isEqualTo(SliceIdentifier.ignore());
  }
}
