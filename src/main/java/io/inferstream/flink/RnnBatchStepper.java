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
    private final double[] scores;

    private final InferenceMetrics metrics;
    private final String[] outputNames;
    /** Null when forecasts are not compared with ticks: the model's outputs are not its inputs. */
    private final HorizonSpread spread;
    /** Null with a horizon of one tick. */
    private final HorizonRollout rollout;

    RnnBatchStepper(RnnStepper cell, Output<StreamRecord<ForecastRecord>> output, InferenceMetrics metrics) {
        this(cell, output, metrics, null);
    }

    /** With {@code spread}, each forecast also carries its horizon, intervals and anomaly score. */
    RnnBatchStepper(
            RnnStepper cell,
            Output<StreamRecord<ForecastRecord>> output,
            InferenceMetrics metrics,
            HorizonSpread spread) {
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
        this.scores = new double[batch];
        this.spread = spread;
        this.rollout = spread != null && spread.horizon() > 1 ? new HorizonRollout(cell, spread.horizon()) : null;
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
            if (spread != null) {
                spread.fit(w.state);
                HorizonSpread.observeGap(w.state, ts);
                scores[row] = spread.observe(w.state, tick.values);
            }
            mapping.toModelInput(tick.values, w.state.previousValues, input, row * spec.features);
            System.arraycopy(w.state.state, 0, state, row * stateSize, stateSize);
        }
        long start = System.nanoTime();
        cell.step(n, input, state, y, nextState);
        metrics.call(n, System.nanoTime() - start);
        double[] horizonValues = spread == null ? null : forecastsAhead(chunk, spec);
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
            ForecastRecord f = forecast(w, ts, tick, row, spec, now);
            if (spread != null) {
                addHorizon(f, w, ts, horizonValues, row * spread.horizon() * spec.outputs, scores[row]);
            }
            output.collect(new StreamRecord<>(f, ts));
            if (f.anomaly) {
                output.collect(RnnStepOperator.ALERTS, new StreamRecord<>(f, ts));
            }
        }
    }

    /** Each row's k forecasts in the user's units: the real step's outputs, then the rollout's. */
    private double[] forecastsAhead(List<KeyWork> chunk, RnnCellSpec spec) {
        int n = chunk.size();
        int width = spread.horizon() * spec.outputs;
        double[] values = new double[n * width];
        double[][] lastValues = new double[n][];
        for (int row = 0; row < n; row++) {
            KeyWork w = chunk.get(row);
            lastValues[row] = w.ticks.get(w.next).values;
            double[] first = mapping.toUserUnits(y, row * spec.outputs, lastValues[row]);
            System.arraycopy(first, 0, values, row * width, spec.outputs);
        }
        if (rollout != null) {
            rollout.roll(n, nextState, lastValues, values, metrics);
        }
        return values;
    }

    /** The key's state has taken the tick: keep its forecasts and write them with their spreads. */
    private void addHorizon(ForecastRecord f, KeyWork w, long ts, double[] values, int from, double score) {
        int width = spread.horizon() * f.outputs.length;
        f.lower = new double[width];
        f.upper = new double[width];
        spread.remember(w.state, values, from, f.lower, f.upper);
        if (spread.horizon() > 1) {
            f.horizon = java.util.Arrays.copyOfRange(values, from, from + width);
            f.targetTimes = spread.targetTimes(w.state, ts);
        }
        f.anomalyScore = score;
        f.anomaly = spread.isAnomaly(w.state, score);
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
