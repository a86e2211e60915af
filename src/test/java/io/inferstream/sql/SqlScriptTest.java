package io.inferstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void shouldSplitOnSemicolonsOutsideQuotesAndComments() {
        List<String> statements = SqlScript.statements(
                "-- a comment; not a statement\n"
                        + "SET 'a' = 'x;y';\n"
                        + "/* block; comment */ CREATE TABLE `t;1` (s STRING) WITH ('k' = 'it''s; fine');\n"
                        + "SELECT 1",
                Map.of());
        assertThat(statements)
                .containsExactly(
                        "SET 'a' = 'x;y'", "CREATE TABLE `t;1` (s STRING) WITH ('k' = 'it''s; fine')", "SELECT 1");
    }

    @Test
    void shouldKeepAStatementSetWhole() {
        List<String> statements = SqlScript.statements(
                "EXECUTE STATEMENT SET\nBEGIN\n INSERT INTO a SELECT 1;\n INSERT INTO b SELECT 2;\nEND;\nSHOW TABLES;",
                Map.of());
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0))
                .startsWith("EXECUTE STATEMENT SET")
                .contains("INSERT INTO a SELECT 1;", "INSERT INTO b SELECT 2;")
                .endsWith("END");
        assertThat(statements.get(1)).isEqualTo("SHOW TABLES");
    }

    @Test
    void shouldReplaceDefinedPlaceholders() {
        assertThat(SqlScript.statements("SET 'x' = '${bootstrap}';", Map.of("bootstrap", "127.0.0.1:9092")))
                .containsExactly("SET 'x' = '127.0.0.1:9092'");
    }

    @Test
    void shouldRefuseAnUndefinedPlaceholderNamingIt() {
        assertThatThrownBy(() -> SqlScript.statements("SET 'x' = '${topic}';", Map.of("bootstrap", "b")))
                .hasMessageContaining("${topic}")
                .hasMessageContaining("-D topic=VALUE");
    }

    @Test
    void shouldRefuseAnUnterminatedQuoteNamingTheLine() {
        assertThatThrownBy(() -> SqlScript.statements("SELECT 1;\nSELECT 'open;", Map.of()))
                .hasMessageContaining("line 2");
    }

    @Test
    void shouldSplitTheShippedImageScript() {
        List<String> statements = SqlScript.read(Path.of("jobs/image-classifier.sql"), Map.of());
        assertThat(statements).hasSize(7);
        assertThat(statements.get(4)).startsWith("CREATE MODEL fashion");
        assertThat(statements.get(6)).startsWith("EXECUTE STATEMENT SET").endsWith("END");
    }
}
