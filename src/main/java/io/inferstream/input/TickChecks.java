package io.inferstream.input;

/**
 * What a tick's values must be for a model to step them: as many as its input width, every one
 * finite, and positive under the log-return transform. Shared by the tick job's validation and
 * the SQL function, so both reject the same ticks for the same reasons.
 */
public final class TickChecks {

    private TickChecks() {}

    /** Throws the reason and the offending value when the model cannot use {@code values}. */
    public static void check(String key, double[] values, int features, boolean needsPositive)
            throws RejectedInputException {
        if (values.length != features) {
            throw new RejectedInputException(
                    RejectReason.WRONG_WIDTH,
                    "tick of key '" + key + "' has " + values.length + " values; expected " + features
                            + " (the model's input width)");
        }
        for (int i = 0; i < features; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                throw new RejectedInputException(
                        RejectReason.NOT_FINITE, "values[" + i + "] = " + v + "; expected a finite number");
            }
            if (needsPositive && v <= 0) {
                throw new RejectedInputException(
                        RejectReason.NON_POSITIVE_VALUE,
                        "values[" + i + "] = " + v + "; expected > 0 for the log-return transform");
            }
        }
    }
}
