package io.inferstream.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.input.EventTimeGuard;
import io.inferstream.input.KeySizes;
import io.inferstream.input.RejectedInputException;
import io.inferstream.input.TickMapping;
import io.inferstream.input.TickParser;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Turns Kafka records, or a user's own values, into ticks, and gives ticks their event time and
 * watermarks.
 */
public final class TickInputs {
    /**
     * The topic dead letters name for ticks made by {@link #of}: they came from the user's own
     * source, not from a Kafka topic (their partition and offset are -1).
     */
    public static final String OWN_SOURCE = "datastream";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TickInputs() {}

    /**
     * A tick from a user's own values, for {@link RnnForecasting}; its id is {@code key@timestampMs}.
     * Nothing is checked here: a tick the model cannot use (wrong width, a value that is not
     * finite, no key) becomes a dead letter with its reason.
     */
    public static TickInput of(String key, long timestampMs, double... values) {
        return of(key + "@" + timestampMs, key, timestampMs, values);
    }

    /**
     * A tick with its own id, carried to its forecast. Should it be refused, its dead letter's key
     * is the key and its value the tick as JSON ({"key":...,"ts":...,"values":[...]}, the tick
     * topic's format), so it can be read and sent again.
     */
    public static TickInput of(String id, String key, long timestampMs, double[] values) {
        TickInput tick = new TickInput();
        tick.id = id;
        tick.key = key;
        tick.ts = timestampMs;
        tick.values = values;
        tick.raw = ownOriginal(tick);
        return tick;
    }

    /** The original a user's tick carries to its dead letter: its key, and the tick as JSON. */
    static KafkaInput ownOriginal(TickInput tick) {
        return new KafkaInput(
                OWN_SOURCE,
                -1,
                -1,
                tick.ts,
                tick.key == null ? null : tick.key.getBytes(StandardCharsets.UTF_8),
                asJson(tick.key, tick.ts, tick.values));
    }

    /** Not finite values are written as strings ("NaN"): JSON has no number for them. */
    private static byte[] asJson(String key, long timestampMs, double[] values) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", key);
        node.put("ts", timestampMs);
        if (values != null) {
            ArrayNode array = node.putArray("values");
            for (double v : values) {
                if (Double.isFinite(v)) {
                    array.add(v);
                } else {
                    array.add(Double.toString(v));
                }
            }
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a record under the default {@code limits.max-key-bytes}. */
    public static TickInput parse(KafkaInput raw) {
        return parse(raw, StreamJobSettings.DEFAULT_MAX_KEY_BYTES);
    }

    /**
     * Parses a record; a failure is kept on the tick (with the record) for the dead-letter topic.
     * Keys and ids over {@code maxKeyBytes} are refused here, before the tick is keyed: as keys of
     * keyed state they would be checkpointed and restored with it. Parsing concerns this record
     * alone, so an unforeseen RuntimeException rejects it as INTERNAL_ERROR; it runs in the Kafka
     * source, where a throw would fail the job and meet the same record after the restart.
     */
    public static TickInput parse(KafkaInput raw, int maxKeyBytes) {
        return parse(raw, maxKeyBytes, TickMapping.DEFAULT);
    }

    /** Parses a record whose key, time and values sit where {@code mapping} says. */
    public static TickInput parse(KafkaInput raw, int maxKeyBytes, TickMapping mapping) {
        TickInput tick = new TickInput();
        tick.raw = raw;
        try {
            KeySizes.check(raw.key, "the record key", maxKeyBytes);
            TickParser.Parsed parsed = mapping.parse(raw.key, raw.value, raw.timestamp);
            KeySizes.check(parsed.key, "the tick's key", maxKeyBytes);
            KeySizes.check(parsed.id, "the tick's id", maxKeyBytes);
            tick.key = parsed.key;
            tick.ts = parsed.ts;
            tick.values = parsed.values;
            tick.id = parsed.id != null ? parsed.id : raw.coordinates();
        } catch (RejectedInputException e) {
            rejected(tick, e);
        } catch (RuntimeException e) {
            rejected(tick, RejectedInputException.internalError("parsing the tick", e));
        }
        return tick;
    }

    private static void rejected(TickInput tick, RejectedInputException e) {
        tick.key = null;
        tick.values = null;
        tick.id = null;
        tick.rejectReason = e.reason().name();
        tick.rejectError = e.getMessage();
        tick.ts = tick.raw.timestamp;
    }

    /**
     * Refuses a parsed tick whose event time is too far ahead ({@link EventTimeGuard}): it keeps
     * its record for the dead-letter topic and, like any tick that did not parse, never moves
     * the watermark.
     */
    public static TickInput guard(TickInput tick, EventTimeGuard guard) {
        if (tick.parsed()) {
            try {
                guard.check(tick.raw.partition, tick.ts);
            } catch (RejectedInputException e) {
                tick.rejectReason = e.reason().name();
                tick.rejectError = e.getMessage();
            }
        }
        return tick;
    }

    /**
     * Event time from the tick's {@code ts}, watermarks bounded by the allowed out-of-orderness.
     * Used in the Kafka source, so each partition gets its own watermark.
     */
    public static WatermarkStrategy<TickInput> watermarks(TickJobConfig config) {
        WatermarkStrategy<TickInput> strategy = WatermarkStrategy.<TickInput>forBoundedOutOfOrderness(
                        Duration.ofMillis(config.maxOutOfOrdernessMs))
                // A tick that did not parse, or whose time was refused, must not move event time.
                .withTimestampAssigner((tick, recordTs) -> tick.parsed() ? tick.ts : Long.MIN_VALUE);
        return config.idleTimeoutMs > 0 ? strategy.withIdleness(Duration.ofMillis(config.idleTimeoutMs)) : strategy;
    }
}
