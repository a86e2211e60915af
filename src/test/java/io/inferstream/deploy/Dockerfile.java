package io.inferstream.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Dockerfile read as data: its base image and what its COPY lines put where in the image. */
final class Dockerfile {
    final String baseImage;
    final List<Copy> copies;
    private final Path context;

    private Dockerfile(String baseImage, List<Copy> copies, Path context) {
        this.baseImage = baseImage;
        this.copies = copies;
        this.context = context;
    }

    /** A Dockerfile built with the given context folder (`docker build -f FILE CONTEXT`). */
    static Dockerfile load(Path file, Path context) throws IOException {
        String base = null;
        List<Copy> copies = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
            String instruction = words.get(0).toUpperCase(java.util.Locale.ROOT);
            if (instruction.equals("FROM")) {
                if (base != null) {
                    throw new AssertionError(file + " has more than one FROM; expected one stage");
                }
                base = words.get(1);
            } else if (instruction.equals("COPY") || instruction.equals("ADD")) {
                words.remove(0);
                words.removeIf(w -> w.startsWith("--"));
                if (words.size() != 2) {
                    throw new AssertionError(file + ": '" + line + "' should copy one source to one destination");
                }
                copies.add(new Copy(words.get(0), words.get(1)));
            }
        }
        if (base == null) {
            throw new AssertionError(file + " has no FROM");
        }
        return new Dockerfile(base, copies, context.toAbsolutePath().normalize());
    }

    /** The file of the build context that the image holds at a path, if a COPY put it there. */
    Optional<Path> contextPath(String imagePath) {
        Path best = null;
        int bestLength = -1;
        for (Copy copy : copies) {
            String destination = copy.destination.replaceFirst("/$", "");
            Path source = context.resolve(copy.source).normalize();
            boolean folder = copy.source.endsWith("/") || Files.isDirectory(source);
            String target =
                    copy.destination.endsWith("/") && !folder ? destination + "/" + source.getFileName() : destination;
            if (imagePath.equals(target) && target.length() > bestLength) {
                best = source;
                bestLength = target.length();
            } else if (folder && imagePath.startsWith(target + "/") && target.length() > bestLength) {
                best = source.resolve(imagePath.substring(target.length() + 1)).normalize();
                bestLength = target.length();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether a Docker ignore file lets a COPY source into the build context: the last of its
     * patterns that matches the source or a folder above it decides, a leading ! re-including.
     */
    static boolean sentWith(Path ignoreFile, String source) throws IOException {
        String path = source.replaceFirst("/$", "");
        boolean sent = true;
        for (String raw : Files.readAllLines(ignoreFile, StandardCharsets.UTF_8)) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String pattern = (include ? line.substring(1) : line).replaceFirst("/$", "");
            // As in Docker, a pattern that matches a folder matches everything in it.
            java.nio.file.PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            for (Path prefix = Path.of(path); prefix != null; prefix = prefix.getParent()) {
                if (matcher.matches(prefix)) {
                    sent = include;
                    break;
                }
            }
        }
        return sent;
    }

    /** COPY SOURCE DESTINATION. */
    static final class Copy {
        final String source;
        final String destination;

        Copy(String source, String destination) {
            this.source = source;
            this.destination = destination;
        }

        @Override
        public String toString() {
            return "COPY " + source + " " + destination;
        }
    }
}
