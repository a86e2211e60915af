package io.inferstream.flink;

import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.PendingTick;
import io.inferstream.records.RnnKeyState;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Steps the released ticks of many keys in rounds: round r takes each key's r-th tick, and a
 * round is cut into ONNX calls of at most the cell's batch size. Gathers inputs and states into
 * row-major arrays, scatters outputs and next states back, and emits one forecast per tick.
 */
final class RnnBatchStepper {
    private final RnnStepper cell;
    private final Output<StreamRecord<ForecastRecord>> output;
    private final RnnFeatureMapping mapping;
    private final float[] input;
    private final float[] state;
    private final float[] y;
    private final float[] nextState;

    private final InferenceMetrics metrics;
    private final String[] outputNames;

    RnnBatchStepper(RnnStepper cell, Output<StreamRecord<ForecastRecord>> output, InferenceMetrics metrics) {
        RnnCellSpec spec = cell.spec();
        int batch = cell.maxBatch();
        this.cell = cell;
        this.output = output;
        this.mapping = new RnnFeatureMapping(spec);
        this.metrics = metrics;
        this.outputNames = spec.outputNames.toArray(new String[0]);
        this.input = new float[batch * spec.features];
        this.state = new float[batch * spec.stateSize()];
        this.y = new float[batch * spec.outputs];
        this.nextState = new float[batch * spec.stateSize()];
    }

    void stepAll(List<KeyWork> work, RnnCellSpec spec, long ttlMs, Counter ttlResets) {
        List<KeyWork> round = new ArrayList<>();
        while (true) {
            round.clear();
            for (KeyWork w : work) {
                if (w.hasNext()) {
                    round.add(w);
                }
            }
            if (round.isEmpty()) {
                return;
            }
            for (int from = 0; from < round.size(); from += cell.maxBatch()) {
                stepChunk(round.subList(from, Math.min(round.size(), from + cell.maxBatch())), spec, ttlMs, ttlResets);
            }
        }
    }

    private void stepChunk(List<KeyWork> chunk, RnnCellSpec spec, long ttlMs, Counter ttlResets) {
        int n = chunk.size();
        int stateSize = spec.stateSize();
        for (int row = 0; row < n; row++) {
            KeyWork w = chunk.get(row);
            long ts = w.timestamps.get(w.next);
            if (ttlMs > 0 && w.state.step > 0 && ts - w.state.lastEventTime > ttlMs) {
                // Idle longer than the time-to-live: start again from the initial state.
                w.state = RnnKeyState.initial(spec);
                ttlResets.inc();
            }
            PendingTick tick = w.ticks.get(w.next);
            mapping.toModelInput(tick.values, w.state.previousValues, input, row * spec.features);
            System.arraycopy(w.state.state, 0, state, row * stateSize, stateSize);
        }
        long start = System.nanoTime();
        cell.step(n, input, state, y, nextState);
        metrics.call(n, System.nanoTime() - start);
        long now = System.currentTimeMillis();
        for (int row = 0; row < n; row++) {
            KeyWork w = chunk.get(row);
            long ts = w.timestamps.get(w.next);
            PendingTick tick = w.ticks.get(w.next);
            System.arraycopy(nextState, row * stateSize, w.state.state, 0, stateSize);
            w.state.step++;
            w.state.lastEventTime = ts;
            w.state.previousValues = tick.values;
            w.next++;
            metrics.prediction(ts, now);
            output.collect(new StreamRecord<>(forecast(w, ts, tick, row, spec, now), ts));
        }
    }

    private ForecastRecord forecast(KeyWork w, long ts, PendingTick tick, int row, RnnCellSpec spec, long now) {
        ForecastRecord f = new ForecastRecord();
        f.key = w.key;
        f.id = tick.id;
        f.eventTime = ts;
        f.step = w.state.step;
        f.inputs = tick.values;
        f.outputNames = outputNames;
        f.outputs = mapping.toUserUnits(y, row * spec.outputs, tick.values);
        f.model = spec.modelName;
        f.modelVersion = spec.modelVersion;
        f.predictedAt = now;
        return f;
    }
}
