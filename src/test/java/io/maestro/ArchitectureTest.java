package io.maestro;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.maestro.jobs.DispatcherVerticle;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The layering stated at the top of docs/ARCHITECTURE.md, rule for rule. The production classes are imported once;
 * each rule names the offending dependency when it breaks.
 */
@DisplayName("Architecture: the package rules of docs/ARCHITECTURE.md hold for every production class")
class ArchitectureTest {
  private static final String ROOT = "io.maestro";
  /** JobRepository's methods that only read. */
  private static final Set<String> JOB_READS = Set.of("find", "list", "attempts", "owned", "queuedCount",
      "queuedCounts");
  /** JobRepository's methods that create a job or put one back in the queue on request. */
  private static final Set<String> JOB_QUEUEING = Set.of("insert", "regenerate", "retryManually", "scheduleRetries");
  private static JavaClasses production;

  /** 1. No package depends on itself through others (io.maestro.* packages as slices; the root package wires them). */
  static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.maestro.(*)..").should().beFreeOfCycles();

  /** 2. The HTTP API depends on the domain packages; nothing but the composition root depends on the HTTP API. */
  static final ArchRule NOTHING_DEPENDS_ON_API = noClasses().that().resideOutsideOfPackages("io.maestro.api..", ROOT)
      .should().dependOnClassesThat().resideInAPackage("io.maestro.api..");

  /** 3. Rendering and external services (media, storage, text model, renderer interfaces) never touch an actor. */
  static final ArchRule LIBRARIES_DO_NOT_USE_ACTORS = noClasses()
      .that().resideInAnyPackage("io.maestro.media..", "io.maestro.storage..", "io.maestro.textmodel..",
          "io.maestro.render..")
      .should().dependOnClassesThat(verticles());

  /** 4. A verticle is used only inside its own package (and deployed by the composition root, MainVerticle). */
  static final ArchRule NO_FOREIGN_VERTICLES = classes().that().resideOutsideOfPackage(ROOT)
      .should(useOnlyTheirOwnPackagesVerticles());

  /** 5. The variant registry is read by everyone and reads no other Maestro package. */
  static final ArchRule VARIANT_REGISTRY_IS_A_LEAF = noClasses().that().resideInAPackage("io.maestro.variant..")
      .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.maestro..")
          .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("io.maestro.variant.."))));

  /**
   * 6. Only the job service and the dispatcher's parts (claim loop, outcome recorder, leases) write {@code jobs} rows:
   * every other class calls only the reads of {@link JobRepository}. (Outside io.maestro.jobs that means: reads
   * only; every change goes through {@link JobService}.)
   */
  static final ArchRule ONLY_JOB_OWNERS_WRITE_JOBS = noClasses()
      .that(notJobWriters())
      .should().accessTargetWhere(DescribedPredicate.describe("a JobRepository method that writes (anything but "
          + JOB_READS + ")", access -> isJobRepository(access) && !JOB_READS.contains(access.getTarget().getName())
          && !access.getTarget().getName().equals("<init>")));

  /** 7. Creating or re-queueing a job (insert, regenerate, retries) goes through the job service and nothing else. */
  static final ArchRule ONLY_JOB_SERVICE_QUEUES_JOBS = noClasses()
      .that().doNotBelongToAnyOf(JobService.class, JobRepository.class)
      .should().accessTargetWhere(DescribedPredicate.describe("JobRepository." + JOB_QUEUEING,
          access -> isJobRepository(access) && JOB_QUEUEING.contains(access.getTarget().getName())));

  @BeforeAll
  static void importProduction() {
    production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  @DisplayName("1. no package cycles between io.maestro.* packages")
  void noPackageCycles() {
    NO_PACKAGE_CYCLES.check(production);
  }

  @Test
  @DisplayName("2. api may depend on domain packages, never the reverse")
  void nothingDependsOnApi() {
    NOTHING_DEPENDS_ON_API.check(production);
  }

  @Test
  @DisplayName("3. media, storage, textmodel and render never use a verticle")
  void librariesDoNotUseActors() {
    LIBRARIES_DO_NOT_USE_ACTORS.check(production);
  }

  @Test
  @DisplayName("4. no class uses another package's *Verticle (only MainVerticle deploys them)")
  void noForeignVerticles() {
    NO_FOREIGN_VERTICLES.check(production);
  }

  @Test
  @DisplayName("5. the variant registry depends on no other io.maestro package")
  void variantRegistryIsALeaf() {
    VARIANT_REGISTRY_IS_A_LEAF.check(production);
  }

  @Test
  @DisplayName("6. only JobService and the dispatcher (DispatcherVerticle, OutcomeRecorder, Leases, ProgressRelay) "
      + "write jobs rows; "
      + "everything else only reads them through JobRepository")
  void onlyJobOwnersWriteJobs() {
    ONLY_JOB_OWNERS_WRITE_JOBS.check(production);
  }

  @Test
  @DisplayName("7. only JobService creates or re-queues a job (JobRepository insert, regenerate, retries)")
  void onlyJobServiceQueuesJobs() {
    ONLY_JOB_SERVICE_QUEUES_JOBS.check(production);
  }

  private static DescribedPredicate<JavaClass> notJobWriters() {
    Set<String> writers = Set.of(JobService.class.getName(), DispatcherVerticle.class.getName(),
        JobRepository.class.getName(), "io.maestro.jobs.OutcomeRecorder", "io.maestro.jobs.Leases",
        "io.maestro.jobs.ProgressRelay");
    // nested and anonymous classes (lambdas compile into their outer class) count as their outer class
    return DescribedPredicate.describe("are not JobService, JobRepository or the dispatcher's parts",
        c -> !writers.contains(c.getName()) && !c.getEnclosingClass().map(e -> writers.contains(e.getName()))
            .orElse(false));
  }

  private static boolean isJobRepository(JavaAccess<?> access) {
    return access.getTarget().getOwner().getName().equals(JobRepository.class.getName());
  }

  private static DescribedPredicate<JavaClass> verticles() {
    return DescribedPredicate.describe("are verticles", c -> isVerticle(c));
  }

  private static boolean isVerticle(JavaClass c) {
    return c.getPackageName().startsWith(ROOT) && c.getSimpleName().endsWith("Verticle");
  }

  private static ArchCondition<JavaClass> useOnlyTheirOwnPackagesVerticles() {
    return new ArchCondition<>("use only the verticles of their own package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          if (isVerticle(target) && !target.getPackageName().equals(origin.getPackageName())) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }
}
