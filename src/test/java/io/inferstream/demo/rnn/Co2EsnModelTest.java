package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks the committed co2-esn model against the tick job's contract and against its card. */
class Co2EsnModelTest {

    private static final Path MODEL = Co2EsnTrainer.DEFAULT_MODEL;
    private static final Path CARD = Co2EsnTrainer.DEFAULT_CARD;
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    @Test
    void shouldBeALogReturnCellWhoseOutputCanFeedItsInput() {
        RnnCellSpec spec = OnnxRnnCell.inspect(MODEL, Map.of());

        assertThat(spec.modelName).isEqualTo("co2-esn");
        assertThat(spec.transform).isEqualTo(RnnCellSpec.Transform.LOG_RETURN);
        assertThat(spec.features).isEqualTo(1);
        assertThat(spec.outputs).isEqualTo(1);
        assertThat(spec.outputMean).containsExactly(spec.inputMean);
        assertThat(spec.outputStd).containsExactly(spec.inputStd);
    }

    @Test
    void shouldReproduceItsCardsEvaluationUpToFloatRounding() throws Exception {
        Co2Weekly data = Co2Weekly.load(Co2Weekly.DEFAULT_CSV);

        Co2Evaluation.Result evaluation =
                Co2Evaluation.evaluate(ModelBytes.of(MODEL), data, Co2Evaluation.Split.of(data.weeks()));

        String card = Files.readString(CARD);
        int start = card.indexOf(Co2EsnCard.EVALUATION_HEADING);
        assertThat(start).as("'%s' in %s", Co2EsnCard.EVALUATION_HEADING, CARD).isNotNegative();
        int end = card.indexOf("\n## ", start);
        assertSameWithinFloatNoise(card.substring(start, end + 1), Co2EsnCard.evaluation(evaluation));
    }

    /**
     * The same text, numbers equal up to what another CPU's float rounding in ONNX Runtime can
     * move: a third decimal, or a count that one error near an interval's edge flips (one
     * forecast of 457 is 0.0022; one flag of 17 moves a precision by 0.005). A card left stale
     * by a changed model or evaluation moves far more.
     */
    private static void assertSameWithinFloatNoise(String committed, String recomputed) {
        Matcher a = NUMBER.matcher(committed);
        Matcher b = NUMBER.matcher(recomputed);
        assertThat(NUMBER.matcher(committed).replaceAll("#"))
                .isEqualTo(NUMBER.matcher(recomputed).replaceAll("#"));
        while (a.find() && b.find()) {
            double expected = Double.parseDouble(b.group());
            assertThat(Double.parseDouble(a.group()))
                    .as(
                            "committed %s where the model now gives %s, at ...%s",
                            a.group(), b.group(), committed.substring(Math.max(0, a.start() - 60), a.start()))
                    .isCloseTo(expected, within(0.006 + 0.005 * Math.abs(expected)));
        }
    }

    @Test
    void shouldStateAOneWeekRmseBelowTheLastValuesOnce() throws Exception {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(Co2EsnCard.HEADLINE_PREFIX)
                        + "(\\d+\\.\\d+) ppmv \\(last value: (\\d+\\.\\d+), seasonal naive: (\\d+\\.\\d+)\\)$")
                .matcher(Files.readString(CARD));

        assertThat(line.find())
                .as("a '%s' line in %s", Co2EsnCard.HEADLINE_PREFIX, CARD)
                .isTrue();
        assertThat(Double.parseDouble(line.group(1))).isLessThan(Double.parseDouble(line.group(2)));
        assertThat(line.find()).isFalse();
    }
}
