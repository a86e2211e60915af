package io.inferstream.input;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses event times given as epoch milliseconds or ISO-8601 text. */
public final class EventTimes {

    private EventTimes() {}

    /** Epoch millis from "1700000000000", "2023-11-14T22:13:20Z" or "2023-11-14T23:13:20+01:00". */
    public static long parse(String text, String what) throws RejectedInputException {
        String trimmed = text.trim();
        try {
            return Long.parseLong(trimmed);
        } catch (NumberFormatException notMillis) {
            return parseIso(text, what, "epoch milliseconds or ISO-8601");
        }
    }

    /** Epoch millis from ISO-8601 text alone: "2023-11-14T22:13:20Z" or "2023-11-14T23:13:20+01:00". */
    public static long parseIso(String text, String what) throws RejectedInputException {
        return parseIso(text, what, "ISO-8601");
    }

    private static long parseIso(String text, String what, String expected) throws RejectedInputException {
        String trimmed = text.trim();
        try {
            return toEpochMilli(Instant.parse(trimmed), text, what);
        } catch (DateTimeParseException notInstant) {
            try {
                return toEpochMilli(OffsetDateTime.parse(trimmed).toInstant(), text, what);
            } catch (DateTimeParseException e) {
                throw new RejectedInputException(
                        RejectReason.BAD_HEADER,
                        what + " = '" + text + "': expected " + expected + " like 2024-01-31T12:00:00Z");
            }
        }
    }

    /** Instants up to year 1,000,000,000 parse, but past about year 292,000,000 no long holds their millis. */
    private static long toEpochMilli(Instant instant, String text, String what) throws RejectedInputException {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new RejectedInputException(
                    RejectReason.BAD_HEADER,
                    what + " = '" + text + "': beyond the epoch milliseconds a long holds; expected a date"
                            + " like 2024-01-31T12:00:00Z");
        }
    }
}
