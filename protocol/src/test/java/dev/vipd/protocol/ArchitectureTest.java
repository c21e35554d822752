package dev.vipd.protocol;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.vipd.testlab.arch.ModuleRules;

/**
 * The layering of {@code protocol}, as code: the data plane knows nothing of the cluster or the
 * daemon (they use it, never the reverse), and its packages form no cycle, the root package
 * included. Checks the production classes only.
 */
@AnalyzeClasses(packages = "dev.vipd.protocol",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE =
      ModuleRules.noCycleBetweenTopLevelPackages("dev.vipd.protocol");

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE_AT_ANY_DEPTH =
      ModuleRules.noCycleBetweenPackages("dev.vipd.protocol");

  @ArchTest
  static final ArchRule NO_CLUSTER_OR_DAEMON = ModuleRules.mustNotDependOn(
      "dev.vipd.protocol..", "dev.vipd.cluster..", "dev.vipd.daemon..");
}
