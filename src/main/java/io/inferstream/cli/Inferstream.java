package io.inferstream.cli;

import io.inferstream.local.FileTrees;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bin/inferstream} launcher: demo, local broker, job runner, producer and tail. */
@Command(
        name = "inferstream",
        mixinStandardHelpOptions = true,
        version = "inferstream 0.1.0",
        description = "Neural-network inference inside Apache Flink jobs, between Kafka topics.",
        subcommands = {
            DemoCommand.class,
            BrokerCommand.class,
            RunCommand.class,
            SqlCommand.class,
            ClusterCommand.class,
            ProduceCommand.class,
            TailCommand.class,
            ModelsCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Inferstream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        removeRunTmpOnExit();
        System.exit(commandLine().execute(args));
    }

    /**
     * The launcher gives each JVM its own temp folder (system property inferstream.run.tmp) and
     * execs into it, so no script is left to remove the folder: the JVM does, on any exit but
     * SIGKILL (the launcher's next start removes those).
     */
    private static void removeRunTmpOnExit() {
        String tmp = System.getProperty("inferstream.run.tmp");
        if (tmp != null) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                // Child processes (a broker) work in this folder and are stopped by their own hooks
                                // now.
                                ProcessHandle.current().children().forEach(child -> {
                                    try {
                                        child.onExit().get(20, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        // Still alive: its parent watch ends it; remove what can be removed.
                                    }
                                });
                                FileTrees.deleteQuietly(Path.of(tmp));
                            },
                            "remove-run-tmp"));
        }
    }

    /** The command line with errors from configuration and model checks printed without a stack. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Inferstream());
        cli.setParameterExceptionHandler(SecretArguments.parameterExceptionHandler());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException
                    || e instanceof io.inferstream.inference.ModelContractException
                    || e instanceof io.inferstream.inference.ExecutionProviderException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
