package io.inferstream.sql;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Runs a script's statements in order on a table environment, as Flink's SQL client does:
 * DDL and SET take effect, INSERT and statement sets submit jobs, queries print their rows.
 */
public final class SqlRunner {
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    private static final Pattern STATEMENT_SET =
            Pattern.compile("(?is)EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN\\s(.*)\\bEND");

    private SqlRunner() {}

    /** Executes every statement; returns the results of the statements that submitted jobs. */
    public static List<TableResult> run(TableEnvironment tables, List<String> statements, PrintStream out) {
        List<TableResult> jobs = new ArrayList<>();
        for (String statement : statements) {
            TableResult result = execute(tables, statement);
            if (result == null) {
                continue;
            }
            if (result.getJobClient().isPresent() && submitsJob(statement)) {
                out.println("job " + result.getJobClient().get().getJobID() + ": " + firstLine(statement));
                jobs.add(result);
            } else if (result.getJobClient().isPresent() || returnsRows(statement)) {
                result.print();
            }
        }
        return jobs;
    }

    /**
     * What TableEnvironment.executeSql does, plus the two statements only Flink's SQL client
     * knows: {@code SET 'key' = 'value'} (null: nothing to report) and
     * {@code EXECUTE STATEMENT SET BEGIN INSERT ...; ... END}.
     */
    private static TableResult execute(TableEnvironment tables, String statement) {
        Matcher set = SET.matcher(statement.strip());
        if (set.matches()) {
            tables.getConfig().set(set.group(1), set.group(2));
            return null;
        }
        Matcher statementSet = STATEMENT_SET.matcher(statement.strip());
        if (statementSet.matches()) {
            StatementSet inserts = tables.createStatementSet();
            for (String insert : SqlScript.statements(statementSet.group(1), Map.of())) {
                inserts.addInsertSql(insert);
            }
            return inserts.execute();
        }
        return tables.executeSql(statement);
    }

    private static boolean submitsJob(String statement) {
        String s = statement.stripLeading().toUpperCase(Locale.ROOT);
        return s.startsWith("INSERT") || s.startsWith("EXECUTE");
    }

    private static boolean returnsRows(String statement) {
        String s = statement.stripLeading().toUpperCase(Locale.ROOT);
        return s.startsWith("SHOW") || s.startsWith("DESC") || s.startsWith("EXPLAIN");
    }

    private static String firstLine(String statement) {
        String line = statement.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }
}
