package io.inferstream.sql;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * A SQL script's jobs submitted to the cluster around, for the job jar's {@code sql -f FILE.sql
 * [-D NAME=VALUE]...} (picocli stays out of the job jar, so the few arguments are read here).
 */
public final class SqlJob {

    private SqlJob() {}

    /** Reads the script, fills in its {@code ${NAME}} values and runs its statements. */
    public static void submit(List<String> args) {
        Path file = null;
        Map<String, String> defines = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            boolean last = i + 1 >= args.size();
            if ((arg.equals("-f") || arg.equals("--file")) && !last) {
                file = Path.of(args.get(++i));
            } else if ((arg.equals("-D") || arg.equals("--define"))
                    && !last
                    && args.get(i + 1).indexOf('=') > 0) {
                String define = args.get(++i);
                defines.put(define.substring(0, define.indexOf('=')), define.substring(define.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException(
                        "sql: unexpected argument '" + arg + "'; expected -f FILE.sql and any number of -D NAME=VALUE");
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("sql: expected -f FILE.sql");
        }
        StreamTableEnvironment tables =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        SqlRunner.run(tables, SqlScript.read(file, defines), System.out);
    }
}
