package io.inferstream.records;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A tick as read from Kafka: the parsed key, time and values when parsing worked, the reason
 * when it did not, and always the original record, so a later rejection loses nothing. Crosses the
 * keyBy as {@link TickInputSerializer} writes it.
 */
@TypeInfo(TickInputTypeInfo.Factory.class)
public class TickInput {
    public String key;
    public long ts;
    public double[] values;
    public String id;
    /** The Kafka record it came from. */
    public KafkaInput raw;
    /** Null when the tick parsed; otherwise the RejectReason's name. */
    public String rejectReason;

    public String rejectError;

    public TickInput() {}

    public boolean parsed() {
        return rejectReason == null;
    }
}
