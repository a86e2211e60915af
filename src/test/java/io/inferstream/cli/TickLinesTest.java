package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TickLinesTest {

    @Test
    void shouldTurnCsvRowsIntoJsonTicksByColumnName() {
        TickLines lines = new TickLines("symbol", "time", List.of("close", "volume"), null);

        assertThat(lines.next("time,symbol,open,close,volume")).isNull();
        TickLines.Tick tick = lines.next("1700000000000, AAPL, 1.0, 101.5, 2000");

        assertThat(tick.key()).isEqualTo("AAPL");
        assertThat(tick.json()).isEqualTo("{\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5,2000.0]}");
    }

    @Test
    void shouldTakeEveryOtherColumnAsValuesAndKeepIsoTimes() {
        TickLines lines = new TickLines("key", "ts", List.of(), null);
        lines.next("key,ts,temperature");

        assertThat(lines.next("s1,2024-01-31T12:00:00Z,21.5").json())
                .isEqualTo("{\"key\":\"s1\",\"ts\":\"2024-01-31T12:00:00Z\",\"values\":[21.5]}");
    }

    @Test
    void shouldPassJsonLinesThroughWithTheirKey() {
        TickLines lines = new TickLines("key", "ts", List.of(), null);
        String json = "{\"key\":\"AAPL\",\"ts\":1,\"value\":2}";

        assertThat(lines.next(json)).isEqualTo(new TickLines.Tick("AAPL", json));
        assertThat(lines.next("")).isNull();
    }

    @Test
    void shouldNameTheLineAndColumnOfABadValue() {
        TickLines lines = new TickLines("key", "ts", List.of(), null);
        lines.next("key,ts,v");

        assertThatThrownBy(() -> lines.next("a,1,abc")).hasMessage("line 2, column 'v' = 'abc': expected a number");
        assertThatThrownBy(() -> lines.next("a,1")).hasMessageContaining("line 3 has 2 columns; expected 3");
    }

    @Test
    void shouldNameAMissingColumn() {
        TickLines lines = new TickLines("key", "time", List.of(), null);

        assertThatThrownBy(() -> lines.next("key,ts,v"))
                .hasMessage("--time-column = 'time': expected a column of the header [key, ts, v]");
    }
}
