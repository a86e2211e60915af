package io.inferstream.bench;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.FixedModel;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import java.util.Arrays;

/**
 * An RNN cell with inference removed: it keeps every state as it is and outputs zeros, so the
 * tick job serving it measures everything but the model (the Kafka and Flink ceiling).
 */
record PassThroughCell(RnnCellSpec spec, int maxBatch) implements RnnStepper {

    /** The pass-through the tick job serves in place of its model, batching as the job's cell would. */
    static FixedModel<RnnStepper> serve(TickJobConfig config, RnnCellSpec spec) {
        int maxBatch = config.maxBatchSize;
        return new FixedModel<>("a pass-through cell (no inference)", () -> new PassThroughCell(spec, maxBatch));
    }

    @Override
    public void step(int n, float[] input, float[] state, float[] output, float[] nextState) {
        System.arraycopy(state, 0, nextState, 0, n * spec.stateSize());
        Arrays.fill(output, 0, n * spec.outputs, 0f);
    }

    @Override
    public void close() {}
}
