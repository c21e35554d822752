package dev.vipd.testlab;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.vipd.testlab.arch.ModuleRules;

/**
 * The layering of {@code testlab}, as code: every module's tests and {@code bench} use it, so it
 * depends on no vipd module, and its packages form no cycle. Checks the production classes only.
 */
@AnalyzeClasses(packages = "dev.vipd.testlab",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE =
      ModuleRules.noCycleBetweenTopLevelPackages("dev.vipd.testlab");

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE_AT_ANY_DEPTH =
      ModuleRules.noCycleBetweenPackages("dev.vipd.testlab");

  @ArchTest
  static final ArchRule NO_VIPD_MODULE = noClasses().that().resideInAPackage("dev.vipd.testlab..")
      .should().dependOnClassesThat(resideInAPackage("dev.vipd..")
          .and(resideOutsideOfPackage("dev.vipd.testlab..")));
}
