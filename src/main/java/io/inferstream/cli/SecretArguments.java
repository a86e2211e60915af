package io.inferstream.cli;

import io.inferstream.config.JobArguments;
import io.inferstream.config.SecretReferences;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Command-line arguments fit to show in an error: the value of a {@code KEY=VALUE} argument
 * whose key looks like a secret ({@code --set kafka.properties.sasl.jaas.config=...}) is
 * replaced by {@code (hidden)}, in the argument list and in any message that quotes it.
 */
final class SecretArguments {
    static final String HIDDEN = SecretReferences.HIDDEN;

    private SecretArguments() {}

    static List<String> mask(List<String> args) {
        return JobArguments.masked(args);
    }

    /** The text with every secret argument, and its value alone, replaced by the masked form. */
    static String hideIn(String text, List<String> args) {
        String hidden = text;
        for (String arg : args) {
            String masked = SecretReferences.maskArgument(arg);
            if (!masked.equals(arg)) {
                hidden = hidden.replace(arg, masked);
                // The masked form keeps everything up to the value, so the value starts there.
                String value = arg.substring(masked.length() - HIDDEN.length());
                if (!value.isEmpty()) {
                    hidden = hidden.replace(value, HIDDEN);
                }
            }
        }
        return hidden;
    }

    /**
     * Picocli's handling of a bad command line (message, suggestions, usage) with secret
     * arguments hidden: picocli quotes an unknown or misplaced argument as it was typed.
     */
    static IParameterExceptionHandler parameterExceptionHandler() {
        return (ParameterException e, String[] args) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println(hideIn(e.getMessage(), List.of(args)));
            if (!UnmatchedArgumentException.printSuggestions(e, command.getErr())) {
                command.usage(command.getErr());
            }
            return command.getCommandSpec().exitCodeOnInvalidInput();
        };
    }
}
