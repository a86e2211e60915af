-- The tick forecaster in Flink SQL: JSON ticks from Kafka -> RNN_FORECAST (the tick job's stateful
-- RNN as a process table function, hidden state in Flink state) -> forecasts and rejected ticks to
-- Kafka, exactly once. See docs/sql-and-datastream.md.
--   bin/inferstream sql -f jobs/tick-forecaster.sql             (a local Flink runtime)
--   bin/inferstream sql -f jobs/tick-forecaster.sql --cluster   (the local cluster of `cluster up`)
-- Edit the bootstrap servers, topics and model path below; the topics must exist.

SET 'execution.checkpointing.interval' = '1 s';
-- A partition without ticks for this long stops holding the watermark back (order.idle-timeout-ms).
SET 'table.exec.source.idle-timeout' = '30 s';

CREATE TEMPORARY SYSTEM FUNCTION RNN_FORECAST AS 'io.inferstream.sql.RnnForecastFunction';

-- {"key":"sensor-00001","ts":1700000000000,"values":[21.5]}, or {"ts":...,"value":21.5} with the
-- key in the Kafka record key, as the tick job reads them.
CREATE TEMPORARY TABLE ticks (
  record_key STRING,
  key STRING,
  ts BIGINT,
  `values` ARRAY<DOUBLE>,
  `value` DOUBLE,
  id STRING,
  `topic` STRING METADATA VIRTUAL,
  `partition` INT METADATA VIRTUAL,
  `offset` BIGINT METADATA VIRTUAL,
  event_time AS TO_TIMESTAMP_LTZ(ts, 3),
  -- How late a tick may arrive and still be applied in event-time order: the job's default
  -- order.max-out-of-orderness-ms of 1000, plus 1 ms because the job's watermark (Flink's
  -- bounded out-of-orderness) trails the newest tick by the bound and 1 ms more.
  WATERMARK FOR event_time AS event_time - INTERVAL '1.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'ticks',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'inferstream-tick-forecaster-sql',
  'scan.startup.mode' = 'earliest-offset',
  'key.format' = 'raw',
  'key.fields' = 'record_key',
  'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY',
  -- Records that are not JSON are skipped; the SQL job has no dead-letter topic for them. This
  -- option also swallows any exception thrown by what is chained after the source (the view
  -- below), dropping that row: keep that view to plain column work.
  'value.json.ignore-parse-errors' = 'true'
);

-- The tick job's reading of a tick: the key from the body or the record key, values or value, and
-- the id from the body or the record's coordinates.
CREATE TEMPORARY VIEW tick_rows AS
SELECT
  COALESCE(key, record_key) AS key,
  COALESCE(id, CONCAT(`topic`, '-', CAST(`partition` AS STRING), '-', CAST(`offset` AS STRING))) AS id,
  COALESCE(`values`, ARRAY[`value`]) AS `values`,
  event_time
FROM ticks;

CREATE TEMPORARY VIEW forecasts AS
SELECT * FROM RNN_FORECAST(
  input => TABLE tick_rows PARTITION BY key,
  on_time => DESCRIPTOR(event_time),
  model => 'models/sensor-esn.onnx',
  ttl => '0 s',
  reset_on_model_change => FALSE);

-- The fields of the tick job's JSON forecasts (output.format: json), keyed by series.
CREATE TEMPORARY TABLE tick_predictions (
  key STRING,
  id STRING,
  eventTime BIGINT,
  step BIGINT,
  inputs ARRAY<DOUBLE>,
  outputs MAP<STRING, DOUBLE>,
  model STRING,
  modelVersion STRING,
  predictedAt BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'tick-predictions-sql',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'raw',
  'key.fields' = 'key',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'inferstream-tick-forecaster-sql',
  -- At most the broker's transaction.max.timeout.ms (15 min); Flink's default of 1 h is refused.
  'properties.transaction.timeout.ms' = '900000'
);

CREATE TEMPORARY TABLE tick_rejections (
  key STRING,
  id STRING,
  eventTime BIGINT,
  inputs ARRAY<DOUBLE>,
  reason STRING,
  error STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'ticks-sql.dlq',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'raw',
  'key.fields' = 'key',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'inferstream-tick-forecaster-sql-dlq',
  'properties.transaction.timeout.ms' = '900000'
);

EXECUTE STATEMENT SET
BEGIN
INSERT INTO tick_predictions
SELECT key, id, eventTime, step, inputs, outputs, model, modelVersion, predictedAt
FROM forecasts WHERE rejectReason IS NULL;
INSERT INTO tick_rejections
SELECT key, id, eventTime, inputs, rejectReason, rejectError
FROM forecasts WHERE rejectReason IS NOT NULL;
END;
