package io.inferstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InstanceRegistryTest {
    private static final InstanceId A = new InstanceId("aaaa", 2_000, "host-a");
    private static final InstanceId B = new InstanceId("bbbb", 1_000, "host-b");
    private static final InstanceId C = new InstanceId("cccc", 3_000, "host-c");

    private static InstanceRegistry registered(String job, InstanceId... instances) {
        InstanceRegistry registry = new InstanceRegistry(job);
        for (InstanceId instance : instances) {
            registry.add(InstanceRegistry.key(job, instance), InstanceRegistry.value(instance));
        }
        return registry;
    }

    @Test
    void shouldSupersedeAnInstanceOnceAnotherRegistersAfterIt() {
        InstanceRegistry registry = registered("job", A, B);

        // B registered later although its clock says earlier: the topic's order decides.
        assertThat(registry.supersededBy(A.id())).contains(B.describe());
        assertThat(registry.supersededBy(B.id())).isEmpty();
    }

    @Test
    void shouldNameTheNewestOfSeveralLaterInstances() {
        assertThat(registered("job", A, B, C).supersededBy(A.id())).contains(C.describe());
        assertThat(registered("job", A, B, C).supersededBy(B.id())).contains(C.describe());
    }

    @Test
    void shouldLetANewInstanceRegisterAfterOlderOnes() {
        InstanceRegistry registry = registered("job", A, B);

        assertThat(registry.isRegistered(C.id())).isFalse();
        assertThat(registry.supersededBy(C.id()))
                .as("a new instance is fenced by nobody")
                .isEmpty();
    }

    @Test
    void shouldKeepTheFirstRegistrationWhenAnInstanceRegistersAgain() {
        InstanceRegistry registry = registered("job", A, B, A);

        assertThat(registry.supersededBy(A.id())).contains(B.describe());
        assertThat(registry.supersededBy(B.id())).isEmpty();
    }

    @Test
    void shouldIgnoreOtherJobsAndKeylessRecords() {
        InstanceRegistry registry = registered("job", A);
        registry.add(InstanceRegistry.key("job-2", B), InstanceRegistry.value(B));
        registry.add(InstanceRegistry.key("jo", C), InstanceRegistry.value(C));
        registry.add(null, "noise".getBytes(StandardCharsets.UTF_8));
        registry.add("no slash".getBytes(StandardCharsets.UTF_8), null);

        assertThat(registry.supersededBy(A.id())).isEmpty();
        assertThat(registry.isRegistered(B.id())).isFalse();
    }

    @Test
    void shouldReadJobNamesThatContainSlashes() {
        InstanceRegistry registry = registered("team/job", A, B);

        assertThat(registry.supersededBy(A.id())).contains(B.describe());
        assertThat(new InstanceRegistry("job").supersededBy(A.id())).isEmpty();
    }
}
