package io.inferstream.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script as Flink's SQL client reads one: statements ended by semicolons, comments
 * dropped, quoted text kept whole, and {@code EXECUTE STATEMENT SET BEGIN ... END;} kept as one
 * statement. {@code ${name}} placeholders are replaced by defined values (broker addresses,
 * topics), so the same script runs against any broker.
 */
public final class SqlScript {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SqlScript() {}

    /** Reads a script file and splits it into statements with the placeholders replaced. */
    public static List<String> read(Path file, Map<String, String> defines) {
        try {
            return statements(Files.readString(file, StandardCharsets.UTF_8), defines);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read SQL script '" + file + "': " + e.getMessage(), e);
        }
    }

    /** The statements of a script, without their final semicolons. */
    public static List<String> statements(String script, Map<String, String> defines) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment at line " + line(script, i));
                }
                i = end + 2;
            } else if (c == '\'' || c == '`' || c == '"') {
                int end = closingQuote(script, i);
                current.append(script, i, end + 1);
                i = end + 1;
            } else if (c == ';') {
                if (insideStatementSet(current)) {
                    current.append(c);
                } else {
                    add(statements, current, defines);
                }
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, current, defines);
        return statements;
    }

    /** Whether the text so far opens a statement set that its END has not closed yet. */
    private static boolean insideStatementSet(StringBuilder current) {
        String text = current.toString().strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return text.startsWith("EXECUTE STATEMENT SET") && !text.matches("(?s).*\\bEND$");
    }

    private static int closingQuote(String script, int open) {
        char quote = script.charAt(open);
        int i = open + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                // A doubled quote is an escaped one inside the literal.
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote at line " + line(script, open));
    }

    private static void add(List<String> statements, StringBuilder current, Map<String, String> defines) {
        String statement = current.toString().strip();
        current.setLength(0);
        if (!statement.isEmpty()) {
            statements.add(substitute(statement, defines));
        }
    }

    private static String substitute(String statement, Map<String, String> defines) {
        Matcher m = PLACEHOLDER.matcher(statement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = defines.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("the script uses ${" + m.group(1) + "} but it is not defined;"
                        + " expected -D " + m.group(1) + "=VALUE (defined: " + defines.keySet() + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int line(String script, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (script.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
