package io.inferstream.flink;

import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.ModelVersion;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.ModelUpdateRecord;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How each job loads its models, first from the configuration and later from the control
 * topic, and what a replacement must keep: the contract the rest of the running job was built
 * for. The configuration's model overrides apply to every model the job loads; an update's
 * version replaces the model's own.
 */
final class ModelLoaders {

    private ModelLoaders() {}

    /** Image classifiers: a replacement takes the same input (the decoder already preprocesses for it). */
    static final class Images implements LiveModel.Loader<OnnxImageClassifier> {
        private static final long serialVersionUID = 1L;

        private final ImageModelSpec jobSpec;
        private final ImageModelOverrides overrides;
        private final int maxBatch;
        private final OnnxOptions onnx;
        private final int topK;

        Images(ImageModelSpec jobSpec, ImageModelOverrides overrides, int maxBatch, OnnxOptions onnx, int topK) {
            this.jobSpec = jobSpec;
            this.overrides = overrides;
            this.maxBatch = maxBatch;
            this.onnx = onnx;
            this.topK = topK;
        }

        @Override
        public OnnxImageClassifier load(String location, String version, long maxBytes, String limit) {
            ImageModelOverrides o = version == null ? overrides : overrides.with(ModelVersion.UPDATE_VERSION, version);
            return OnnxImageClassifier.load(ModelFiles.read(location, maxBytes, limit), o, maxBatch, onnx);
        }

        @Override
        public String version(OnnxImageClassifier model) {
            return model.spec().modelVersion;
        }

        @Override
        public String refusal(OnnxImageClassifier current, OnnxImageClassifier candidate, ModelUpdateRecord update) {
            ImageModelSpec s = candidate.spec();
            if (s.layout != jobSpec.layout
                    || s.channels != jobSpec.channels
                    || s.height != jobSpec.height
                    || s.width != jobSpec.width) {
                return "model takes " + s.layout + " " + s.channels + "x" + s.height + "x" + s.width
                        + " images; the running job feeds " + jobSpec.layout + " " + jobSpec.channels + "x"
                        + jobSpec.height + "x" + jobSpec.width + " (expected the same input; a new input size needs"
                        + " a new deployment)";
            }
            if (s.inputScale != jobSpec.inputScale
                    || !Arrays.equals(s.mean, jobSpec.mean)
                    || !Arrays.equals(s.std, jobSpec.std)) {
                return "model normalizes its input with scale " + s.inputScale + ", mean " + Arrays.toString(s.mean)
                        + ", std " + Arrays.toString(s.std) + "; the running job preprocesses with scale "
                        + jobSpec.inputScale + ", mean " + Arrays.toString(jobSpec.mean) + ", std "
                        + Arrays.toString(jobSpec.std) + " (expected the same)";
            }
            if (s.numClasses() < topK) {
                return "model has " + s.numClasses() + " classes; expected at least output.top-k = " + topK;
            }
            return null;
        }
    }

    /**
     * RNN cells: a replacement takes the same features; its state shapes must match the running
     * model's unless the update asks to reset every key's state.
     */
    static final class RnnCells implements LiveModel.Loader<RnnStepper> {
        private static final long serialVersionUID = 1L;

        private final RnnCellSpec jobSpec;
        private final Map<String, String> overrides;
        private final int maxBatch;
        private final OnnxOptions onnx;
        /** Whether the job feeds forecasts back or compares them with ticks, by configuration. */
        private final boolean forecastsAsked;

        RnnCells(RnnCellSpec jobSpec, Map<String, String> overrides, int maxBatch, OnnxOptions onnx) {
            this(jobSpec, overrides, maxBatch, onnx, false);
        }

        RnnCells(
                RnnCellSpec jobSpec,
                Map<String, String> overrides,
                int maxBatch,
                OnnxOptions onnx,
                boolean forecastsAsked) {
            this.forecastsAsked = forecastsAsked;
            this.jobSpec = jobSpec;
            this.overrides = overrides;
            this.maxBatch = maxBatch;
            this.onnx = onnx;
        }

        @Override
        public RnnStepper load(String location, String version, long maxBytes, String limit) {
            Map<String, String> o = overrides;
            if (version != null) {
                o = new HashMap<>(overrides);
                o.put(ModelVersion.UPDATE_VERSION, version);
            }
            return OnnxRnnCell.load(ModelFiles.read(location, maxBytes, limit), o, maxBatch, onnx);
        }

        @Override
        public String version(RnnStepper model) {
            return model.spec().modelVersion;
        }

        @Override
        public String refusal(RnnStepper current, RnnStepper candidate, ModelUpdateRecord update) {
            RnnCellSpec s = candidate.spec();
            if (s.features != jobSpec.features) {
                return "model takes " + s.features + " features per tick; the running job validates ticks for "
                        + jobSpec.features + " (expected the same)";
            }
            if (forecastsAsked && s.outputs != s.features) {
                return "model returns " + s.outputs + " outputs for " + s.features + " features; the running job feeds"
                        + " forecasts back as ticks (forecast.horizon, intervals or anomalies), so expected as many"
                        + " outputs as features";
            }
            String running = current.spec().stateShape();
            if (!s.stateShape().equals(running) && !update.resetState) {
                return "model has hidden state " + s.stateShape() + " but the running model has " + running
                        + "; expected the same shapes, or send the update with \"reset-state\": true to start every"
                        + " key from the new model's initial state";
            }
            return null;
        }
    }
}
