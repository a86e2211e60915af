package io.inferstream.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SQL script's statements, split as Flink's SQL client splits them (at a ';' ending a line;
 * an EXECUTE STATEMENT SET block up to its END;), with comment lines left out and literal text
 * replaced, so that tests run the example scripts against their own broker and topics.
 */
final class SqlScript {

    private SqlScript() {}

    static List<String> statements(Path file, Map<String, String> replacements) throws IOException {
        String text = Files.readString(file);
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            if (!text.contains(r.getKey())) {
                throw new IllegalArgumentException(
                        "'" + r.getKey() + "' is not in " + file + "; expected every" + " replaced text to be there");
            }
            text = text.replace(r.getKey(), r.getValue());
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSet = false;
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (current.length() == 0 && trimmed.toUpperCase().startsWith("EXECUTE STATEMENT SET")) {
                inSet = true;
            }
            current.append(line).append('\n');
            boolean ends = inSet ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";");
            if (ends) {
                String statement = current.toString().trim();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
                inSet = false;
            }
        }
        if (current.length() > 0) {
            throw new IllegalArgumentException(file + " ends inside a statement: " + current);
        }
        return statements;
    }
}
