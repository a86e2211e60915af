package io.inferstream.demo.cnn;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the demo-model trainers share on the console: progress lines, options, and card links. */
public final class TrainerConsole {
    private final String name;
    private final long start = System.nanoTime();

    public TrainerConsole(String name) {
        this.name = name;
    }

    /** Prints a progress line stamped with the seconds since this console was made. */
    public void log(String format, Object... args) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(
                String.format(Locale.ROOT, "[%s %6.1f s] ", name, seconds) + String.format(Locale.ROOT, format, args));
    }

    /** Pairs of {@code --option value}, each option one of {@code known}. */
    public static Map<String, String> parseOptions(String[] args, List<String> known) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i]) || i + 1 == args.length) {
                throw new IllegalArgumentException(
                        "bad argument '" + args[i] + "'; expected pairs of an option from " + known + " and its value");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** A path as a link from the model card's folder, with forward slashes. */
    public static String relativeTo(Path card, Path target) {
        Path cardDir = card.toAbsolutePath().normalize().getParent();
        return cardDir.relativize(target.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
    }
}
