-- The image classifier in Flink SQL: the image job's model, decoding and preprocessing, served
-- in-process by ML_PREDICT with the onnx model provider, micro-batched.
--   bin/inferstream sql -f jobs/image-classifier.sql      (a local Flink runtime; see docs/sql-and-datastream.md)
-- Reads raw image bytes (the Kafka key is the source id) from 'images'; writes JSON predictions to
-- 'image-predictions-sql' and undecodable inputs, with their reason, to 'images-sql.dlq'. The
-- topics must exist (this broker does not create topics). In Flink's SQL client, put the job jar
-- in lib/ and give model.path as an absolute path or a URI every TaskManager can read.

SET 'execution.checkpointing.interval' = '2 s';

CREATE TABLE images (
    source STRING,
    image BYTES,
    `topic` STRING METADATA VIRTUAL,
    `partition` INT METADATA VIRTUAL,
    `offset` BIGINT METADATA VIRTUAL,
    event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
    'connector' = 'kafka',
    'topic' = 'images',
    'properties.bootstrap.servers' = '127.0.0.1:9092',
    'properties.group.id' = 'image-classifier-sql',
    'scan.startup.mode' = 'earliest-offset',
    'key.format' = 'raw',
    'key.fields' = 'source',
    'value.format' = 'raw',
    'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TABLE image_predictions (
    id STRING,
    source STRING,
    event_time TIMESTAMP_LTZ(3),
    label STRING,
    score FLOAT,
    top_k ARRAY<ROW<label STRING, score FLOAT>>,
    model_version STRING
) WITH (
    'connector' = 'kafka',
    'topic' = 'image-predictions-sql',
    'properties.bootstrap.servers' = '127.0.0.1:9092',
    'format' = 'json'
);

-- The dead-letter table: the input's coordinates and bytes, and why it got no prediction.
CREATE TABLE image_dead_letters (
    id STRING,
    source STRING,
    error STRING,
    `value` BYTES
) WITH (
    'connector' = 'kafka',
    'topic' = 'images-sql.dlq',
    'properties.bootstrap.servers' = '127.0.0.1:9092',
    'format' = 'json'
);

-- The WITH keys are the image job's: model.* overrides, limits.*, output.top-k, batch.*, onnx.*.
CREATE MODEL fashion
    INPUT (image BYTES)
    OUTPUT (label STRING, score FLOAT, top_k ARRAY<ROW<label STRING, score FLOAT>>, model_version STRING,
            error STRING)
    WITH (
        'provider' = 'onnx',
        'model.path' = 'models/fashion-cnn.onnx',
        'batch.max-size' = '64',
        'batch.max-wait-ms' = '20'
    );

-- ML_PREDICT keeps at most max-concurrent-operations rows in flight; twice the batch lets the next
-- batch be decoded while the model runs one.
CREATE TEMPORARY VIEW classified AS
SELECT CONCAT(`topic`, '-', CAST(`partition` AS STRING), '-', CAST(`offset` AS STRING)) AS id, *
FROM ML_PREDICT(TABLE images, MODEL fashion, DESCRIPTOR(image), MAP['max-concurrent-operations', '128']);

-- One job, two sinks: predictions, and the rows with an error to the dead-letter table.
EXECUTE STATEMENT SET
BEGIN
    INSERT INTO image_predictions
    SELECT id, source, event_time, label, score, top_k, model_version FROM classified WHERE error IS NULL;
    INSERT INTO image_dead_letters
    SELECT id, source, error, image FROM classified WHERE error IS NOT NULL;
END;
