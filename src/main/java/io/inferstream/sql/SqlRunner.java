package io.inferstream.sql;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Runs a script's statements in order on a table environment, as Flink's SQL client does:
 * DDL and SET take effect, INSERT and statement sets submit jobs, queries print their rows.
 */
public final class SqlRunner {

    private SqlRunner() {}

    /** Executes every statement; returns the results of the statements that submitted jobs. */
    public static List<TableResult> run(TableEnvironment tables, List<String> statements, PrintStream out) {
        List<TableResult> jobs = new ArrayList<>();
        for (String statement : statements) {
            TableResult result = tables.executeSql(statement);
            if (result.getJobClient().isPresent() && submitsJob(statement)) {
                out.println("job " + result.getJobClient().get().getJobID() + ": " + firstLine(statement));
                jobs.add(result);
            } else if (result.getJobClient().isPresent() || returnsRows(statement)) {
                result.print();
            }
        }
        return jobs;
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
