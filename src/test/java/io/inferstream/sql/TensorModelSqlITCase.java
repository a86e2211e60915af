package io.inferstream.sql;

import static org.apache.flink.table.api.DataTypes.ARRAY;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.FLOAT;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.TensorModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generic tensor model (float arrays and floats in and out) served by ML_PREDICT on a
 * MiniCluster, checked row by row against ONNX Runtime run directly on the same inputs.
 */
class TensorModelSqlITCase {
    private static final int ROWS = 300;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = TensorModels.write(dir);
    }

    private static StreamTableEnvironment tables() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < ROWS; i++) {
            Float[] x = new Float[i == 5 ? 3 : 4];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) random.nextGaussian();
            }
            rows.add(Row.of(i, x, (float) random.nextGaussian()));
        }
        tables.createTemporaryView(
                "inputs",
                tables.fromValues(ROW(FIELD("id", INT()), FIELD("x", ARRAY(FLOAT())), FIELD("s", FLOAT())), rows));
        tables.executeSql("CREATE MODEL tensors INPUT (x ARRAY<FLOAT>, s FLOAT)"
                + " OUTPUT (y ARRAY<FLOAT>, z FLOAT, error STRING)"
                + " WITH ('provider' = 'onnx', 'model.path' = '" + model + "', 'batch.max-size' = '16')");
        return tables;
    }

    @ParameterizedTest(name = "async = {0}")
    @ValueSource(strings = {"true", "false"})
    void shouldEqualOnnxRuntimeRunDirectly(String async) throws Exception {
        StreamTableEnvironment tables = tables();
        Map<Integer, Row> byId = new TreeMap<>();
        try (CloseableIterator<Row> it = tables.executeSql("SELECT id, x, s, y, z, error FROM ML_PREDICT("
                        + "TABLE inputs, MODEL tensors, DESCRIPTOR(x, s),"
                        + " MAP['async', '" + async + "', 'max-concurrent-operations', '32'])")
                .collect()) {
            it.forEachRemaining(row -> byId.put((Integer) row.getField(0), row));
        }
        assertThat(byId).hasSize(ROWS);
        try (OrtSession session =
                OrtEnvironment.getEnvironment().createSession(model.toString(), new OrtSession.SessionOptions())) {
            for (Row row : byId.values()) {
                Float[] x = (Float[]) row.getField(1);
                if (x.length != 4) {
                    assertThat(row.getField(3)).isNull();
                    assertThat(row.getField(4)).isNull();
                    assertThat((String) row.getField(5))
                            .startsWith("WRONG_WIDTH")
                            .contains("'x'", "3 floats", "[N,4]");
                    continue;
                }
                float[][] expected = direct(session, x, (Float) row.getField(2));
                Float[] y = (Float[]) row.getField(3);
                assertThat(row.getField(5)).isNull();
                assertThat(y).hasSize(3);
                for (int k = 0; k < 3; k++) {
                    assertThat(y[k]).isCloseTo(expected[0][k], within(1e-6f));
                }
                assertThat((Float) row.getField(4)).isEqualTo(expected[1][0]);
            }
        }
    }

    /** y and z of one row, from ONNX Runtime without any of the provider's code. */
    private static float[][] direct(OrtSession session, Float[] x, float s) throws Exception {
        float[] xs = new float[4];
        for (int i = 0; i < 4; i++) {
            xs[i] = x[i];
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), new long[] {1, 4});
                OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {s}), new long[] {1});
                OrtSession.Result result = session.run(Map.of("x", xt, "s", st))) {
            float[] y = ((float[][]) result.get("y").orElseThrow().getValue())[0];
            float[] z = (float[]) result.get("z").orElseThrow().getValue();
            return new float[][] {y, z};
        }
    }

    @Test
    void shouldRefuseAColumnOfAnotherShapeWhenPlanned() {
        StreamTableEnvironment tables = tables();
        tables.executeSql("CREATE MODEL misfit INPUT (x FLOAT, s FLOAT) OUTPUT (y ARRAY<FLOAT>)"
                + " WITH ('provider' = 'onnx', 'model.path' = '" + model + "')");
        assertThatThrownBy(() ->
                        tables.explainSql("SELECT * FROM ML_PREDICT(TABLE inputs, MODEL misfit, DESCRIPTOR(s, s))"))
                .satisfies(e -> assertThat(rootMessage(e))
                        .contains("input column 'x' is FLOAT", "model input 'x' is float [N,4]", "ARRAY<FLOAT>"));
    }

    @Test
    void shouldRefuseAnUnknownOptionNamingIt() {
        StreamTableEnvironment tables = tables();
        tables.executeSql("CREATE MODEL typo INPUT (x ARRAY<FLOAT>, s FLOAT) OUTPUT (y ARRAY<FLOAT>)"
                + " WITH ('provider' = 'onnx', 'model.path' = '" + model + "', 'batch.max-sise' = '8')");
        assertThatThrownBy(
                        () -> tables.explainSql("SELECT * FROM ML_PREDICT(TABLE inputs, MODEL typo, DESCRIPTOR(x, s))"))
                .satisfies(
                        e -> assertThat(rootMessage(e)).contains("unknown option 'batch.max-sise'", "batch.max-size"));
    }

    static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
