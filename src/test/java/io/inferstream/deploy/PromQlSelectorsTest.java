package io.inferstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.deploy.PromQlSelectors.Selector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromQlSelectorsTest {
    @Test
    void shouldFindSelectorsInsideFunctionsAndAggregations() {
        List<Selector> selectors = PromQlSelectors.of(
                "sum by (job_name, reason) (rate(a_total{job_name=~\"$job\", x!=\"y}\"}[$__rate_interval]))"
                        + " / on (job_name) group_left sum without (x) (b offset 5m) > bool 0.5 unless up");

        assertThat(selectors.stream().map(s -> s.metric).collect(Collectors.toList()))
                .containsExactly("a_total", "b", "up");
        assertThat(selectors.get(0).matchers.stream().map(Object::toString).collect(Collectors.toList()))
                .containsExactly("job_name=~\"$job\"", "x!=\"y}\"");
    }

    @Test
    void shouldSkipStringsAndNumbersOutsideSelectors() {
        List<Selector> selectors = PromQlSelectors.of(
                "label_replace(m{q=\"0.99\"} * 1e3, \"reason\", \"$1\", \"__name__\", \"m_(.+)\") == 1");

        assertThat(selectors).hasSize(1);
        assertThat(selectors.get(0).metric).isEqualTo("m");
    }

    @Test
    void shouldReportBracesWithoutAMetricNameAndRefuseBrokenMatchers() {
        assertThat(PromQlSelectors.of("{__name__=~\"m_.+\"}").get(0).metric).isNull();
        assertThatThrownBy(() -> PromQlSelectors.of("m{job_name}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label matcher");
    }
}
