package io.inferstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The line between the runtime users deploy and our own tooling. The runtime (what the job jar
 * carries) never reaches into the command line, the benchmarks, the local broker and cluster,
 * or demo-model training; the inference core runs without Flink.
 */
class RuntimeBoundariesTest {

    /** What the job jar carries: the inference core, input and output, and the Flink operators. */
    static final String[] RUNTIME = {
        "io.inferstream.inference..",
        "io.inferstream.image..",
        "io.inferstream.input..",
        "io.inferstream.output..",
        "io.inferstream.records..",
        "io.inferstream.config..",
        "io.inferstream.kafka..",
        "io.inferstream.flink..",
        "io.inferstream.sql..",
        "io.inferstream.job..",
        "io.inferstream.avro.."
    };

    /** Development tooling and demo-model training: never deployed. */
    static final String[] TOOLING = {
        "io.inferstream.cli..", "io.inferstream.bench..", "io.inferstream.local..", "io.inferstream.demo.."
    };

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.inferstream");
    }

    @Test
    void runtimeNeverUsesTooling() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage(RUNTIME)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(TOOLING)
                .because("the job jar holds the runtime only; tooling stays on developers' machines");
        rule.check(production);
    }

    @Test
    void runtimeNeverUsesToolingLibraries() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage(RUNTIME)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "picocli..",
                        "kafka..",
                        "org.apache.kafka.server..",
                        "org.apache.kafka.streams..",
                        "org.tribuo..",
                        "ai.onnx.proto..",
                        "org.ejml..",
                        "org.apache.logging.log4j.core..")
                .because("a Flink cluster provides none of these, and the job jar does not ship them");
        rule.check(production);
    }

    @Test
    void inferenceCoreRunsWithoutFlink() {
        ArchRule rule = noClasses()
                .that()
                .resideInAnyPackage("io.inferstream.inference..", "io.inferstream.image..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.flink..")
                .because("inference is usable (and unit-testable) without a streaming runtime");
        rule.check(production);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.inferstream.(**)").should().beFreeOfCycles().check(production);
    }
}
