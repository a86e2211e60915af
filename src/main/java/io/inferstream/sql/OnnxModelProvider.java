package io.inferstream.sql;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/**
 * The runtime of a model with {@code 'provider' = 'onnx'}: batched and asynchronous by default,
 * or one ONNX Runtime call per row when ML_PREDICT's config says {@code 'async' = 'false'}.
 */
public final class OnnxModelProvider implements PredictRuntimeProvider, AsyncPredictRuntimeProvider {
    private final RowModel model;
    private final OnnxModelOptions options;
    private final int sessionMaxConcurrent;

    OnnxModelProvider(RowModel model, OnnxModelOptions options, int sessionMaxConcurrent) {
        this.model = model;
        this.options = options;
        this.sessionMaxConcurrent = sessionMaxConcurrent;
    }

    @Override
    public PredictFunction createPredictFunction(ModelProvider.Context context) {
        return new OnnxPredictFunction(model);
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
        return new OnnxAsyncPredictFunction(
                model, batchSize(context.runtimeConfig(), sessionMaxConcurrent, options), options.maxBatchWaitMs);
    }

    /**
     * batch.max-size, but no more than the rows the async operator lets be in flight: a batch
     * waiting for rows the operator will not send until it completes would only wait out its time.
     */
    static int batchSize(ReadableConfig runtimeConfig, int sessionMaxConcurrent, OnnxModelOptions options) {
        int inFlight = runtimeConfig
                .getOptional(MLPredictRuntimeConfigOptions.ASYNC_MAX_CONCURRENT_OPERATIONS)
                .orElse(sessionMaxConcurrent);
        return Math.min(options.maxBatchSize, inFlight);
    }

    /** The session's table.exec.async-ml-predict.max-concurrent-operations (Flink's default 10). */
    static int sessionMaxConcurrent(ReadableConfig session) {
        return session.get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS);
    }

    @Override
    public ModelProvider copy() {
        // Immutable: the row model's session opens per function instance.
        return new OnnxModelProvider(model, options, sessionMaxConcurrent);
    }
}
