package dev.vipd.daemon;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.vipd.testlab.arch.ModuleRules;

/**
 * The layering of {@code daemon}, as code: it may use every other module, and its own packages
 * form no cycle, the root package included. Checks the production classes only.
 */
@AnalyzeClasses(packages = "dev.vipd.daemon",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE =
      ModuleRules.noCycleBetweenTopLevelPackages("dev.vipd.daemon");

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE_AT_ANY_DEPTH =
      ModuleRules.noCycleBetweenPackages("dev.vipd.daemon");
}
