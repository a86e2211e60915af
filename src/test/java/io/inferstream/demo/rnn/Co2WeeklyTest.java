package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Co2WeeklyTest {

    @Test
    void shouldReadTheCommittedSeriesWithItsGapsFilled() throws Exception {
        byte[] bytes = Files.readAllBytes(Co2Weekly.DEFAULT_CSV);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .as("sha256 of %s, as its README gives it", Co2Weekly.DEFAULT_CSV)
                .isEqualTo("16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f");

        Co2Weekly data = Co2Weekly.load(Co2Weekly.DEFAULT_CSV);

        assertThat(data.weeks()).isEqualTo(2284);
        assertThat(data.filled()).isEqualTo(59);
        assertThat(data.dates().get(0)).isEqualTo(LocalDate.of(1958, 3, 29));
        assertThat(data.dates().get(2283)).isEqualTo(LocalDate.of(2001, 12, 29));
        assertThat(Arrays.stream(data.values()).min().orElseThrow()).isGreaterThan(310);
        assertThat(Arrays.stream(data.values()).max().orElseThrow()).isLessThan(375);
        Co2Evaluation.Split split = Co2Evaluation.Split.of(data.weeks());
        for (int t = split.validationEnd(); t < data.weeks(); t++) {
            assertThat(data.measured()[t]).as("held-out week %d measured", t).isTrue();
        }
    }

    @Test
    void shouldFillARunOfMissingWeeksLinearly() {
        Co2Weekly data = Co2Weekly.parse(
                List.of("date,co2", "19580329,1", "19580405,", "19580412,", "19580419,4", "19580426,5"), "test");

        assertThat(data.values()).containsExactly(1, 2, 3, 4, 5);
        assertThat(data.measured()).containsExactly(true, false, false, true, true);
        assertThat(data.filled()).isEqualTo(2);
        assertThat(data.longestGap()).isEqualTo(2);
    }

    @Test
    void shouldRefuseASkippedWeekAndAnUnmeasuredStartOrEnd() {
        assertThatThrownBy(() -> Co2Weekly.parse(List.of("date,co2", "19580329,1", "19580406,2"), "test"))
                .hasMessageContaining("1958-04-06 follows 1958-03-29; expected one row every 7 days");
        assertThatThrownBy(() -> Co2Weekly.parse(List.of("date,co2", "19580329,", "19580405,2"), "test"))
                .hasMessageContaining("the first 1 weeks have no value");
        assertThatThrownBy(() -> Co2Weekly.parse(List.of("date,co2", "19580329,1", "19580405,"), "test"))
                .hasMessageContaining("the last 1 weeks have no value");
        assertThatThrownBy(() -> Co2Weekly.parse(List.of("when,ppm"), "test"))
                .hasMessageContaining("expected 'date,co2'");
    }
}
