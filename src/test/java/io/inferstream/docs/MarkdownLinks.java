package io.inferstream.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files and whether they resolve: each path must exist inside the
 * repository (and not under the build's target/), and each #anchor must name a heading of the
 * Markdown file it points to, slugged as GitHub slugs headings.
 */
final class MarkdownLinks {
    // [text](target) and ![alt](target), with an optional "title"; text may hold `code` but no ].
    private static final Pattern INLINE =
            Pattern.compile("!?\\[([^\\]]*)]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    // [label]: target, a reference definition on a line of its own.
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    // GitHub's anchors for lines of a source file: #L10 or #L10-L20.
    private static final Pattern LINE_ANCHOR = Pattern.compile("L\\d+(-L\\d+)?");

    private final Path root;
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** A link as written in a file, at a line. */
    record Link(Path file, int line, String target) {}

    /** Every relative link of a Markdown file, outside code blocks and code spans. */
    static List<Link> relativeLinks(Path file) throws IOException {
        List<Link> links = new ArrayList<>();
        String fence = null;
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            Matcher fenceMatch = FENCE.matcher(line);
            if (fenceMatch.find()) {
                String marker = fenceMatch.group(1);
                if (fence == null) {
                    fence = marker;
                } else if (marker.charAt(0) == fence.charAt(0) && marker.length() >= fence.length()) {
                    fence = null;
                }
                continue;
            }
            if (fence != null) {
                continue;
            }
            String text = CODE_SPAN
                    .matcher(line)
                    .replaceAll(m -> "`" + " ".repeat(m.group(2).length()) + "`");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(2));
            }
            Matcher reference = REFERENCE.matcher(text);
            if (reference.matches()) {
                targets.add(reference.group(1));
            }
            for (String target : targets) {
                if (!target.isEmpty() && !SCHEME.matcher(target).find()) {
                    links.add(new Link(file, number, target));
                }
            }
        }
        return links;
    }

    /** What is wrong with a link, or null if it resolves. */
    String problem(Link link) throws IOException {
        int hash = link.target().indexOf('#');
        String pathPart = hash < 0 ? link.target() : link.target().substring(0, hash);
        String anchor = hash < 0 ? null : link.target().substring(hash + 1);
        Path target = pathPart.isEmpty()
                ? link.file()
                : link.file()
                        .toAbsolutePath()
                        .getParent()
                        .resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8))
                        .normalize();
        if (!target.startsWith(root)) {
            return "points outside the repository, to " + target;
        }
        if (target.startsWith(root.resolve("target"))) {
            return "points into target/, which the build makes and git does not hold";
        }
        if (!Files.exists(target)) {
            return "points to " + root.relativize(target) + ", which does not exist";
        }
        if (anchor == null) {
            return null;
        }
        String fragment = URLDecoder.decode(anchor, StandardCharsets.UTF_8);
        if (!target.getFileName().toString().endsWith(".md")) {
            return LINE_ANCHOR.matcher(fragment).matches()
                    ? null
                    : "has anchor #" + fragment + ", but " + root.relativize(target) + " is no Markdown file";
        }
        Set<String> anchors = anchors(target);
        return anchors.contains(fragment)
                ? null
                : "has anchor #" + fragment + ", which no heading of " + root.relativize(target) + " makes; it has "
                        + anchors;
    }

    /** The anchors GitHub makes for a Markdown file: its headings' slugs and explicit HTML anchors. */
    Set<String> anchors(Path markdown) throws IOException {
        Path key = markdown.toAbsolutePath().normalize();
        Set<String> cached = anchorsByFile.get(key);
        if (cached != null) {
            return cached;
        }
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        String fence = null;
        for (String line : Files.readAllLines(key, StandardCharsets.UTF_8)) {
            Matcher fenceMatch = FENCE.matcher(line);
            if (fenceMatch.find()) {
                String marker = fenceMatch.group(1);
                if (fence == null) {
                    fence = marker;
                } else if (marker.charAt(0) == fence.charAt(0) && marker.length() >= fence.length()) {
                    fence = null;
                }
                continue;
            }
            if (fence != null) {
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        anchorsByFile.put(key, anchors);
        return anchors;
    }

    /**
     * GitHub's slug of a heading: the rendered text (code spans, emphasis and links reduced to their
     * text) in lower case, without characters other than letters, digits, spaces, hyphens and
     * underscores, spaces turned into hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replaceAll("(\\*\\*|__|\\*)", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
