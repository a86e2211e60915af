package io.inferstream.bench;

import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.TickInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams peer's stepping: each key's state (hidden state, step count, last event time,
 * previous values) as bytes in a key-value store, gathered into the cell's row-major arrays and
 * scattered back, one forecast per tick, in the order the ticks arrived.
 */
final class PeerStepper {
    private final RnnStepper cell;
    private final RnnCellSpec spec;
    private final KeyValueStore<String, byte[]> states;
    private final RnnFeatureMapping mapping;
    private final String[] outputNames;
    private final float[] input;
    private final float[] state;
    private final float[] y;
    private final float[] nextState;

    PeerStepper(RnnStepper cell, KeyValueStore<String, byte[]> states) {
        this.cell = cell;
        this.spec = cell.spec();
        this.states = states;
        this.mapping = new RnnFeatureMapping(spec);
        this.outputNames = spec.outputNames.toArray(new String[0]);
        int batch = cell.maxBatch();
        this.input = new float[batch * spec.features];
        this.state = new float[batch * spec.stateSize()];
        this.y = new float[batch * spec.outputs];
        this.nextState = new float[batch * spec.stateSize()];
    }

    /** One key's state between store reads and writes. */
    private static final class KeyState {
        float[] hidden;
        long step;
        long lastEventTime = Long.MIN_VALUE;
        double[] previous;
    }

    /** Steps one tick in its own ONNX call: read the key's state, step, write it back. */
    List<ForecastRecord> stepOne(TickInput tick) {
        KeyState s = read(tick.key);
        List<ForecastRecord> out = new ArrayList<>(1);
        step(List.of(tick), List.of(s), out);
        states.put(tick.key, encode(s));
        return out;
    }

    /**
     * Steps every pending tick, in rounds (round r takes each key's r-th tick in arrival order)
     * cut into calls of at most the cell's batch size; writes each key's state once and deletes
     * the ticks from {@code pending}.
     */
    List<ForecastRecord> stepPending(KeyValueStore<Long, byte[]> pending) {
        Map<String, List<TickInput>> byKey = new LinkedHashMap<>();
        List<Long> stepped = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> all = pending.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                TickInput tick = decodeTick(entry.value);
                byKey.computeIfAbsent(tick.key, k -> new ArrayList<>()).add(tick);
                stepped.add(entry.key);
            }
        }
        if (stepped.isEmpty()) {
            return List.of();
        }
        Map<String, KeyState> keyStates = new LinkedHashMap<>();
        for (String key : byKey.keySet()) {
            keyStates.put(key, read(key));
        }
        List<ForecastRecord> out = new ArrayList<>(stepped.size());
        List<TickInput> round = new ArrayList<>();
        List<KeyState> roundStates = new ArrayList<>();
        for (int r = 0; ; r++) {
            round.clear();
            roundStates.clear();
            for (Map.Entry<String, List<TickInput>> e : byKey.entrySet()) {
                if (r < e.getValue().size()) {
                    round.add(e.getValue().get(r));
                    roundStates.add(keyStates.get(e.getKey()));
                }
            }
            if (round.isEmpty()) {
                break;
            }
            for (int from = 0; from < round.size(); from += cell.maxBatch()) {
                int to = Math.min(round.size(), from + cell.maxBatch());
                step(round.subList(from, to), roundStates.subList(from, to), out);
            }
        }
        keyStates.forEach((key, s) -> states.put(key, encode(s)));
        for (Long offset : stepped) {
            pending.delete(offset);
        }
        return out;
    }

    private void step(List<TickInput> ticks, List<KeyState> keyStates, List<ForecastRecord> out) {
        int n = ticks.size();
        int stateSize = spec.stateSize();
        for (int row = 0; row < n; row++) {
            KeyState s = keyStates.get(row);
            mapping.toModelInput(ticks.get(row).values, s.previous, input, row * spec.features);
            System.arraycopy(s.hidden, 0, state, row * stateSize, stateSize);
        }
        cell.step(n, input, state, y, nextState);
        long now = System.currentTimeMillis();
        for (int row = 0; row < n; row++) {
            TickInput tick = ticks.get(row);
            KeyState s = keyStates.get(row);
            System.arraycopy(nextState, row * stateSize, s.hidden, 0, stateSize);
            s.step++;
            s.lastEventTime = tick.ts;
            s.previous = tick.values;
            ForecastRecord f = new ForecastRecord();
            f.key = tick.key;
            f.id = tick.id;
            f.eventTime = tick.ts;
            f.step = s.step;
            f.inputs = tick.values;
            f.outputNames = outputNames;
            f.outputs = mapping.toUserUnits(y, row * spec.outputs, tick.values);
            f.model = spec.modelName;
            f.modelVersion = spec.modelVersion;
            f.predictedAt = now;
            out.add(f);
        }
    }

    private KeyState read(String key) {
        byte[] bytes = states.get(key);
        KeyState s = new KeyState();
        if (bytes == null) {
            s.hidden = new float[spec.stateSize()];
            return s;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        s.step = b.getLong();
        s.lastEventTime = b.getLong();
        s.hidden = new float[b.getInt()];
        for (int i = 0; i < s.hidden.length; i++) {
            s.hidden[i] = b.getFloat();
        }
        s.previous = readDoubles(b);
        return s;
    }

    private static byte[] encode(KeyState s) {
        int previous = s.previous == null ? 0 : s.previous.length;
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 4 * s.hidden.length + 4 + 8 * previous);
        b.putLong(s.step).putLong(s.lastEventTime).putInt(s.hidden.length);
        for (float h : s.hidden) {
            b.putFloat(h);
        }
        writeDoubles(b, s.previous);
        return b.array();
    }

    /** A parsed tick as the pending store keeps it: key, event time, id and values. */
    static byte[] encodeTick(TickInput tick) {
        byte[] key = tick.key.getBytes(StandardCharsets.UTF_8);
        byte[] id = tick.id.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + key.length + 8 + 4 + id.length + 4 + 8 * tick.values.length);
        b.putInt(key.length).put(key).putLong(tick.ts).putInt(id.length).put(id);
        writeDoubles(b, tick.values);
        return b.array();
    }

    static TickInput decodeTick(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        TickInput tick = new TickInput();
        byte[] key = new byte[b.getInt()];
        b.get(key);
        tick.key = new String(key, StandardCharsets.UTF_8);
        tick.ts = b.getLong();
        byte[] id = new byte[b.getInt()];
        b.get(id);
        tick.id = new String(id, StandardCharsets.UTF_8);
        tick.values = readDoubles(b);
        return tick;
    }

    private static void writeDoubles(ByteBuffer b, double[] values) {
        if (values == null) {
            b.putInt(0);
            return;
        }
        b.putInt(values.length);
        for (double v : values) {
            b.putDouble(v);
        }
    }

    private static double[] readDoubles(ByteBuffer b) {
        int n = b.getInt();
        if (n == 0) {
            return null;
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = b.getDouble();
        }
        return values;
    }
}
