package io.datapusher.worker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Imports only point down: from the adapters ({@code rest}, {@code console}, {@code messaging}, {@code health}),
 * through the saga, the follow-ups and the job service, to the parts that do the work ({@code datastore},
 * {@code download}, {@code formats}, {@code client}, {@code config}, {@code datapusherapi},
 * {@code repository}, {@code progress}), to the table rules ({@code analyze}) and the core types of the root package.
 * The build fails when one points back up.
 */
class ArchitectureTest {

    private static final String ROOT = "io.datapusher.worker";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void importsOnlyPointDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("adapters").definedBy(ROOT + ".rest..", ROOT + ".console..", ROOT + ".messaging..", ROOT + ".health..")
                .layer("saga").definedBy(ROOT + ".saga..")
                .layer("followup").definedBy(ROOT + ".followup..")
                .layer("service").definedBy(ROOT + ".service..")
                .layer("work").definedBy(ROOT + ".datastore..", ROOT + ".download..", ROOT + ".formats..", ROOT + ".settings..",
                        ROOT + ".client..", ROOT + ".config..", ROOT + ".datapusherapi..", ROOT + ".repository..",
                        ROOT + ".progress..")
                .layer("rules").definedBy(ROOT + ".analyze..")
                .whereLayer("adapters").mayNotBeAccessedByAnyLayer()
                .whereLayer("saga").mayOnlyBeAccessedByLayers("adapters")
                .whereLayer("followup").mayOnlyBeAccessedByLayers("adapters", "saga")
                .whereLayer("service").mayOnlyBeAccessedByLayers("adapters", "saga", "followup")
                .whereLayer("work").mayOnlyBeAccessedByLayers("adapters", "saga", "followup", "service")
                .whereLayer("rules").mayOnlyBeAccessedByLayers("adapters", "saga", "followup", "service", "work")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        // The layers above allow imports within one layer; a cycle there (saga and saga.step
        // importing each other) would still make two packages one.
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theAdaptersDoNotUseEachOther() {
        noClasses().that().resideInAPackage(ROOT + ".rest..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".console..", ROOT + ".messaging..", ROOT + ".health..")
                .check(classes);
        // the console's buttons call the services the API calls, never the API's resources
        noClasses().that().resideInAPackage(ROOT + ".console..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".rest..", ROOT + ".messaging..", ROOT + ".health..")
                .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".messaging..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".rest..", ROOT + ".console..", ROOT + ".health..")
                .check(classes);
    }

    @Test
    void theCoreTypesAndTheTableRulesDependOnNothingAbove() {
        noClasses().that().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".*..")
                .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".analyze..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".formats..", ROOT + ".datastore..",
                        ROOT + ".download..", ROOT + ".client..", ROOT + ".config..")
                .check(classes);
    }
}
