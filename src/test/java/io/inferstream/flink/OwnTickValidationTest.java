package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.TickInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Ticks made from a user's own values (TickInputs.of, or built by hand) through the tick
 * validation: the good one passes, each bad one becomes a dead letter with its reason and the
 * tick as JSON, instead of failing the job in keyBy or in the dead letter itself.
 */
class OwnTickValidationTest {
    private static final String MODEL = "models/sensor-esn.onnx";

    private static List<DeadLetterRecord> validate(TickInput... ticks) throws Exception {
        TickJobConfig config = TickJobConfig.forTransformation(Map.of("model.path", MODEL, "limits.max-key-bytes", 16));
        RnnCellSpec spec = OnnxRnnCell.inspect(Path.of(MODEL), config.modelOverrides);
        try (OneInputStreamOperatorTestHarness<TickInput, TickInput> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new TickValidateFunction(config, spec))) {
            for (TickInput tick : ticks) {
                harness.processElement(tick, tick.ts);
            }
            assertThat(harness.extractOutputValues()).extracting(t -> t.key).containsExactly("good");
            var dead = harness.getSideOutput(TickValidateFunction.DEAD_LETTERS);
            return dead.stream().map(r -> r.getValue()).toList();
        }
    }

    @Test
    void shouldDeadLetterEachBadTickWithItsReasonAndTheTickAsJson() throws Exception {
        TickInput byHand = new TickInput();
        byHand.key = "hand";
        byHand.ts = 7;
        byHand.values = new double[] {Double.POSITIVE_INFINITY};
        List<DeadLetterRecord> dead = validate(
                TickInputs.of("good", 1, 20.5),
                TickInputs.of(null, 2, 20.5),
                TickInputs.of("two", 3, 1.0, 2.0),
                TickInputs.of("key-longer-than-16-bytes", 4, 1.0),
                TickInputs.of("none", 5, (double[]) null),
                byHand);
        assertThat(dead)
                .extracting(d -> d.reason)
                .containsExactly("MISSING_KEY", "WRONG_WIDTH", "KEY_TOO_LARGE", "INTERNAL_ERROR", "NOT_FINITE");
        assertThat(dead).extracting(d -> d.topic).containsOnly(TickInputs.OWN_SOURCE);
        assertThat(dead.get(1).error).isEqualTo("tick of key 'two' has 2 values; expected 1 (the model's input width)");
        assertThat(new String(dead.get(1).value, StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"two\",\"ts\":3,\"values\":[1.0,2.0]}");
        assertThat(new String(dead.get(4).key, StandardCharsets.UTF_8)).isEqualTo("hand");
        assertThat(new String(dead.get(4).value, StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"hand\",\"ts\":7,\"values\":[\"Infinity\"]}");
    }
}
