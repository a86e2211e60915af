package io.inferstream.flink;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.input.KeySizes;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import io.inferstream.input.TickChecks;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.TickInput;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets through ticks the model can use: parsed, as many features as its input width, every
 * value finite (and positive under the log-return transform). The rest become dead letters.
 */
public class TickValidateFunction extends ProcessFunction<TickInput, TickInput> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("tick-parse-dead-letters") {};

    private final DeadLetters deadLetters;
    private final int features;
    private final int maxKeyBytes;
    private final boolean needsPositive;
    private transient DeadLetterMetrics deadLetterMetrics;

    public TickValidateFunction(TickJobConfig config, RnnCellSpec spec) {
        this.deadLetters = new DeadLetters(config.common);
        this.features = spec.features;
        this.maxKeyBytes = config.common.maxKeyBytes;
        this.needsPositive = spec.transform == RnnCellSpec.Transform.LOG_RETURN;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        deadLetterMetrics = new DeadLetterMetrics(getRuntimeContext().getMetricGroup());
    }

    /** A check that fails unforeseen rejects its tick alone, as INTERNAL_ERROR: it concerns that tick only. */
    @Override
    public void processElement(TickInput tick, Context ctx, Collector<TickInput> out) {
        if (tick.raw == null) {
            // A tick a user built by hand, not with TickInputs.of: its dead letter (here or, if
            // late, in the RNN step) still needs an original to carry.
            tick.raw = TickInputs.ownOriginal(tick);
        }
        try {
            check(tick);
        } catch (RejectedInputException e) {
            reject(tick, ctx, e);
            return;
        } catch (RuntimeException e) {
            reject(tick, ctx, RejectedInputException.internalError("validating the tick", e));
            return;
        }
        out.collect(tick);
    }

    private void reject(TickInput tick, Context ctx, RejectedInputException e) {
        deadLetterMetrics.count(e.reason().name());
        ctx.output(DEAD_LETTERS, deadLetters.of(tick.raw, e));
    }

    private void check(TickInput tick) throws RejectedInputException {
        if (!tick.parsed()) {
            throw new RejectedInputException(RejectReason.valueOf(tick.rejectReason), tick.rejectError);
        }
        // Ticks parsed from Kafka always have a key; a user's own may not, and keyBy would fail the job.
        if (tick.key == null) {
            throw new RejectedInputException(RejectReason.MISSING_KEY, "the tick has no key; expected one per series");
        }
        if (TickInputs.OWN_SOURCE.equals(tick.raw.topic)) {
            // Parsing checked these for ticks from Kafka, whose default id (the record's coordinates) it leaves
            // unbounded.
            KeySizes.check(tick.key, "the tick's key", maxKeyBytes);
            KeySizes.check(tick.id, "the tick's id", maxKeyBytes);
        }
        TickChecks.check(tick.key, tick.values, features, needsPositive);
    }
}
