package dev.vipd.cluster;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.vipd.testlab.arch.ModuleRules;

/**
 * The layering of {@code cluster}, as code: it knows nothing of the data plane or the daemon, the
 * election is a pure function that imports no Hazelcast, and its packages form no cycle, the root
 * package included. Checks the production classes only.
 */
@AnalyzeClasses(packages = "dev.vipd.cluster",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE =
      ModuleRules.noCycleBetweenTopLevelPackages("dev.vipd.cluster");

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLE_AT_ANY_DEPTH =
      ModuleRules.noCycleBetweenPackages("dev.vipd.cluster");

  @ArchTest
  static final ArchRule NO_PROTOCOL_OR_DAEMON = ModuleRules.mustNotDependOn(
      "dev.vipd.cluster..", "dev.vipd.protocol..", "dev.vipd.daemon..");

  @ArchTest
  static final ArchRule ELECTION_WITHOUT_HAZELCAST =
      ModuleRules.mustNotDependOn("dev.vipd.cluster.election..", "com.hazelcast..");
}
