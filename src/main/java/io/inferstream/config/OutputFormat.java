package io.inferstream.config;

/** How predictions and dead letters are written: Avro single-object encoding or JSON lines. */
public enum OutputFormat {
    AVRO,
    JSON
}
