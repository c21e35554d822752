package dev.vipd.testlab.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * The rules every vipd module's {@code ArchitectureTest} applies to its own production classes.
 * Each module states its layering itself; this class holds only what they share.
 */
public final class ModuleRules {
  /** The name of the slice that holds the classes of a module's root package itself. */
  public static final String ROOT_SLICE = "(root)";

  private ModuleRules() {}

  /**
   * No cycle between the top-level packages of {@code root} ({@code root.(*)..}), where the root
   * package itself is a slice too: {@code dev.vipd.protocol} and {@code dev.vipd.protocol.raw}
   * importing each other is a cycle. ArchUnit's {@code matching("root.(*)..")} would leave the
   * root package out, so the slices are assigned here.
   */
  public static ArchRule noCycleBetweenTopLevelPackages(String root) {
    return SlicesRuleDefinition.slices().assignedFrom(topLevelPackagesOf(root))
        .should().beFreeOfCycles();
  }

  /**
   * No cycle between any two packages of {@code root}, at any depth, the root package included:
   * also catches {@code a.x} and {@code a.y} importing each other, which the top-level rule sees as
   * one slice {@code a}.
   */
  public static ArchRule noCycleBetweenPackages(String root) {
    return SlicesRuleDefinition.slices().assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        return name.equals(root) || name.startsWith(root + ".")
            ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "every package of " + root + " (the root package included)";
      }
    }).should().beFreeOfCycles();
  }

  /** Slices of {@code root}: {@link #ROOT_SLICE} for the root package, else its first segment. */
  public static SliceAssignment topLevelPackagesOf(String root) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (name.equals(root)) {
          return SliceIdentifier.of(ROOT_SLICE);
        }
        if (!name.startsWith(root + ".")) {
          return SliceIdentifier.ignore();
        }
        String rest = name.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
      }

      @Override
      public String getDescription() {
        return "the top-level packages of " + root + " (the root package a slice of its own)";
      }
    };
  }

  /** No class in {@code packages} (ArchUnit syntax) depends on a class in {@code forbidden}. */
  public static ArchRule mustNotDependOn(String packages, String... forbidden) {
    return noClasses().that().resideInAPackage(packages)
        .should().dependOnClassesThat().resideInAnyPackage(forbidden);
  }
}
