package io.inferstream.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.HorizonForecast;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.ScoredLabel;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.OutputFormat;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelStatusRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the jobs' outputs as Avro single-object encoding (schemas in {@code schemas/}) or as
 * JSON with the same field names; both carry the same information.
 */
public final class RecordEncoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordEncoder() {}

    public static ImagePrediction toAvro(ClassifiedImage c) {
        List<ScoredLabel> topK = new ArrayList<>(c.labels.length);
        for (int i = 0; i < c.labels.length; i++) {
            topK.add(new ScoredLabel(c.labels[i], c.scores[i]));
        }
        return ImagePrediction.newBuilder()
                .setId(c.id)
                .setSource(c.source)
                .setEventTime(Instant.ofEpochMilli(c.eventTime))
                .setModel(c.model)
                .setModelVersion(c.modelVersion)
                .setLabel(c.labels[0])
                .setScore(c.scores[0])
                .setTopK(topK)
                .setPredictedAt(Instant.ofEpochMilli(c.predictedAt))
                .build();
    }

    public static DeadLetter toAvro(DeadLetterRecord d) {
        return DeadLetter.newBuilder()
                .setJob(d.job)
                .setTopic(d.topic)
                .setPartition(d.partition)
                .setOffset(d.offset)
                .setKey(d.key == null ? null : ByteBuffer.wrap(d.key))
                .setValue(d.value == null ? null : ByteBuffer.wrap(d.value))
                .setRecordTimestamp(Instant.ofEpochMilli(d.recordTimestamp))
                .setReason(d.reason)
                .setError(d.error)
                .setFailedAt(Instant.ofEpochMilli(d.failedAt))
                .setKeyLength(d.keyLength)
                .setKeySha256(d.keySha256)
                .setValueLength(d.valueLength)
                .setValueSha256(d.valueSha256)
                .build();
    }

    public static byte[] encode(ClassifiedImage c, OutputFormat format) {
        if (format == OutputFormat.AVRO) {
            try {
                return bytes(ImagePrediction.getEncoder().encode(toAvro(c)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id);
        json.put("source", c.source);
        json.put("eventTime", c.eventTime);
        json.put("model", c.model);
        json.put("modelVersion", c.modelVersion);
        json.put("label", c.labels[0]);
        json.put("score", c.scores[0]);
        List<Map<String, Object>> topK = new ArrayList<>();
        for (int i = 0; i < c.labels.length; i++) {
            topK.add(Map.of("label", c.labels[i], "score", c.scores[i]));
        }
        json.put("topK", topK);
        json.put("predictedAt", c.predictedAt);
        return writeJson(json);
    }

    public static TickPrediction toAvro(ForecastRecord f) {
        Map<String, Double> outputs = new LinkedHashMap<>();
        for (int i = 0; i < f.outputNames.length; i++) {
            outputs.put(f.outputNames[i], f.outputs[i]);
        }
        List<Double> inputs = new ArrayList<>(f.inputs.length);
        for (double v : f.inputs) {
            inputs.add(v);
        }
        TickPrediction.Builder b = TickPrediction.newBuilder()
                .setKey(f.key)
                .setId(f.id)
                .setEventTime(Instant.ofEpochMilli(f.eventTime))
                .setStep(f.step)
                .setInputs(inputs)
                .setOutputs(outputs)
                .setModel(f.model)
                .setModelVersion(f.modelVersion)
                .setPredictedAt(Instant.ofEpochMilli(f.predictedAt))
                .setLower(named(f.outputNames, f.lower, 0))
                .setUpper(named(f.outputNames, f.upper, 0))
                .setAnomalyScore(Double.isNaN(f.anomalyScore) ? null : f.anomalyScore)
                .setAnomaly(f.anomaly);
        List<HorizonForecast> horizon = new ArrayList<>();
        int width = f.outputNames.length;
        for (int h = 0; f.horizon != null && h < f.horizon.length / width; h++) {
            horizon.add(HorizonForecast.newBuilder()
                    .setAhead(h + 1)
                    .setTargetTime(f.targetTimes == null ? null : Instant.ofEpochMilli(f.targetTimes[h]))
                    .setOutputs(named(f.outputNames, f.horizon, h * width))
                    .setLower(named(f.outputNames, f.lower, h * width))
                    .setUpper(named(f.outputNames, f.upper, h * width))
                    .build());
        }
        return b.setHorizon(horizon).build();
    }

    /**
     * The values at {@code values[from..)} by output name; null when there are none or they are
     * not known yet (NaN).
     */
    private static Map<String, Double> named(String[] names, double[] values, int from) {
        if (values == null || Double.isNaN(values[from])) {
            return null;
        }
        Map<String, Double> named = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            named.put(names[i], values[from + i]);
        }
        return named;
    }

    public static byte[] encode(ForecastRecord f, OutputFormat format) {
        if (format == OutputFormat.AVRO) {
            if (TickPredictionWriter.fits(f)) {
                return TickPredictionWriter.encode(f);
            }
            try {
                return bytes(TickPrediction.getEncoder().encode(toAvro(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", f.key);
        json.put("id", f.id);
        json.put("eventTime", f.eventTime);
        json.put("step", f.step);
        json.put("inputs", f.inputs);
        Map<String, Double> outputs = new LinkedHashMap<>();
        for (int i = 0; i < f.outputNames.length; i++) {
            outputs.put(f.outputNames[i], f.outputs[i]);
        }
        json.put("outputs", outputs);
        json.put("model", f.model);
        json.put("modelVersion", f.modelVersion);
        json.put("predictedAt", f.predictedAt);
        // The forecast fields only where known, so a line stays as short as before without them.
        int width = f.outputNames.length;
        putIfKnown(json, "lower", named(f.outputNames, f.lower, 0));
        putIfKnown(json, "upper", named(f.outputNames, f.upper, 0));
        if (f.horizon != null) {
            List<Map<String, Object>> horizon = new ArrayList<>();
            for (int h = 0; h < f.horizon.length / width; h++) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("ahead", h + 1);
                putIfKnown(step, "targetTime", f.targetTimes == null ? null : f.targetTimes[h]);
                step.put("outputs", named(f.outputNames, f.horizon, h * width));
                putIfKnown(step, "lower", named(f.outputNames, f.lower, h * width));
                putIfKnown(step, "upper", named(f.outputNames, f.upper, h * width));
                horizon.add(step);
            }
            json.put("horizon", horizon);
        }
        putIfKnown(json, "anomalyScore", Double.isNaN(f.anomalyScore) ? null : f.anomalyScore);
        json.put("anomaly", f.anomaly);
        return writeJson(json);
    }

    public static byte[] encode(DeadLetterRecord d, OutputFormat format) {
        if (format == OutputFormat.AVRO) {
            try {
                return bytes(DeadLetter.getEncoder().encode(toAvro(d)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", d.job);
        json.put("topic", d.topic);
        json.put("partition", d.partition);
        json.put("offset", d.offset);
        // Original bytes survive JSON as base64.
        json.put("key", d.key == null ? null : Base64.getEncoder().encodeToString(d.key));
        json.put("value", d.value == null ? null : Base64.getEncoder().encodeToString(d.value));
        json.put("recordTimestamp", d.recordTimestamp);
        json.put("reason", d.reason);
        json.put("error", d.error);
        json.put("failedAt", d.failedAt);
        json.put("keyLength", d.keyLength);
        json.put("keySha256", d.keySha256);
        json.put("valueLength", d.valueLength);
        json.put("valueSha256", d.valueSha256);
        return writeJson(json);
    }

    public static ModelStatus toAvro(ModelStatusRecord m) {
        return ModelStatus.newBuilder()
                .setJob(m.job)
                .setSubtask(m.subtask)
                .setStatus(m.status)
                .setUri(m.uri)
                .setVersion(m.version)
                .setActiveVersion(m.activeVersion)
                .setReason(m.reason)
                .setAt(Instant.ofEpochMilli(m.at))
                .setRequestId(m.requestId)
                .build();
    }

    public static byte[] encode(ModelStatusRecord m, OutputFormat format) {
        if (format == OutputFormat.AVRO) {
            try {
                return bytes(ModelStatus.getEncoder().encode(toAvro(m)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", m.job);
        json.put("subtask", m.subtask);
        json.put("status", m.status);
        json.put("uri", m.uri);
        json.put("version", m.version);
        json.put("activeVersion", m.activeVersion);
        json.put("reason", m.reason);
        json.put("at", m.at);
        json.put("requestId", m.requestId);
        return writeJson(json);
    }

    private static void putIfKnown(Map<String, Object> json, String field, Object value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static byte[] writeJson(Map<String, Object> json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
