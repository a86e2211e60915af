package io.inferstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns lines of a tick file into JSON ticks: CSV with a header row (key, time and value
 * columns chosen by name) or JSON lines passed through. Errors name the line and the column.
 */
final class TickLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tick ready to send: its Kafka key (may be null) and its JSON value. */
    record Tick(String key, String json) {}

    private final String keyColumn;
    private final String timeColumn;
    private final List<String> valueColumns;
    private final String fixedKey;
    private List<String> header;
    private boolean json;
    private long lineNumber;

    TickLines(String keyColumn, String timeColumn, List<String> valueColumns, String fixedKey) {
        this.keyColumn = keyColumn;
        this.timeColumn = timeColumn;
        this.valueColumns = valueColumns;
        this.fixedKey = fixedKey;
    }

    /** The tick on this line, or null for the CSV header and blank lines. */
    Tick next(String line) {
        lineNumber++;
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (header == null && !json) {
            if (trimmed.startsWith("{")) {
                json = true;
            } else {
                header = split(trimmed);
                check(keyColumn == null || fixedKey != null || header.contains(keyColumn), "--key-column", keyColumn);
                check(header.contains(timeColumn), "--time-column", timeColumn);
                for (String column : valueColumns(header)) {
                    check(header.contains(column), "--value-columns", column);
                }
                return null;
            }
        }
        return json ? fromJson(trimmed) : fromCsv(split(trimmed));
    }

    private Tick fromJson(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode key = node.get("key");
            return new Tick(key != null && key.isTextual() ? key.asText() : fixedKey, line);
        } catch (Exception e) {
            throw new IllegalArgumentException("line " + lineNumber + " is not JSON: " + e.getMessage());
        }
    }

    private Tick fromCsv(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("line " + lineNumber + " has " + cells.size() + " columns; expected "
                    + header.size() + " as in the header " + header);
        }
        ObjectNode tick = JSON.createObjectNode();
        String key = fixedKey != null ? fixedKey : cells.get(header.indexOf(keyColumn));
        tick.put("key", key);
        String time = cells.get(header.indexOf(timeColumn));
        if (time.matches("-?\\d+")) {
            tick.put("ts", Long.parseLong(time));
        } else {
            tick.put("ts", time);
        }
        ArrayNode values = tick.putArray("values");
        for (String column : valueColumns(header)) {
            String cell = cells.get(header.indexOf(column));
            try {
                values.add(Double.parseDouble(cell));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "line " + lineNumber + ", column '" + column + "' = '" + cell + "': expected a number");
            }
        }
        return new Tick(key, tick.toString());
    }

    /** The named value columns, or every column but the key and the time. */
    private List<String> valueColumns(List<String> columns) {
        if (!valueColumns.isEmpty()) {
            return valueColumns;
        }
        List<String> rest = new ArrayList<>(columns);
        rest.remove(keyColumn);
        rest.remove(timeColumn);
        return rest;
    }

    private void check(boolean ok, String option, String column) {
        if (!ok) {
            throw new IllegalArgumentException(
                    option + " = '" + column + "': expected a column of the header " + header);
        }
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }
}
