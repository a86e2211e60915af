package io.inferstream.local;

/** A Flink cluster a {@link ClusterScenario} runs on: local processes, or containers. */
interface ClusterUnderTest {

    FlinkRest rest();

    /** The uploaded job jar's id. */
    String jarId();

    /** The Kafka address as the jobs (inside the cluster) reach it. */
    String jobBootstrap();

    /** Where savepoints go, as the cluster's processes see it. */
    java.nio.file.Path savepointsDir();

    /** Kills one TaskManager with SIGKILL, as a crashed machine would stop. */
    void killTaskManager() throws Exception;

    /** Starts a replacement TaskManager. */
    void startTaskManager() throws Exception;

    /** Puts a model where every process can read it; returns the path the jobs should use. */
    String placeModel(String fileName, byte[] model) throws Exception;

    /** Everything the cluster's metric reporters serve now (Prometheus text), or "" where none is set up. */
    String scrapeMetrics() throws Exception;

    /** Asserts no process loaded ONNX Runtime's native library more than once. */
    void checkOnnxRuntimeLoadedOncePerProcess() throws Exception;
}
