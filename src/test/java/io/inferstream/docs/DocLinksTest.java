package io.inferstream.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.docs.MarkdownLinks.Link;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link of the user documentation resolves: README.md and the other top-level pages,
 * docs/, the model cards and deploy/, each path to a file of the repository and each #anchor to a
 * heading of its page. README.md and docs/README.md link every page of docs/, so none is lost.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void shouldResolveEveryRelativeLinkOfTheDocumentation() throws IOException {
        MarkdownLinks links = new MarkdownLinks(ROOT);
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path page : documentation()) {
            for (Link link : MarkdownLinks.relativeLinks(page)) {
                checked++;
                String problem = links.problem(link);
                if (problem != null) {
                    problems.add(ROOT.relativize(page) + ":" + link.line() + ": (" + link.target() + ") " + problem);
                }
            }
        }
        assertThat(problems).as("broken links in %d relative links", checked).isEmpty();
        assertThat(checked).as("relative links checked").isGreaterThan(50);
    }

    @Test
    void shouldLinkEveryDocsPageFromBothIndexes() throws IOException {
        Set<String> pages = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md"))
                    .map(f -> f.getFileName().toString())
                    .filter(name -> !name.equals("README.md"))
                    .forEach(pages::add);
        }
        assertThat(pages).as("pages in docs/").isNotEmpty();
        assertThat(linkedPaths(ROOT.resolve("README.md")))
                .as("docs pages README.md links")
                .containsAll(pages.stream().map(p -> "docs/" + p).collect(Collectors.toList()));
        assertThat(linkedPaths(ROOT.resolve("docs/README.md")))
                .as("docs pages docs/README.md links")
                .containsAll(pages);
    }

    @Test
    void shouldReportAMissingFileAndAMissingHeading(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/guide.md"), "# Guide\n\n## On a GPU: the `cuda` provider\n");
        Files.writeString(repo.resolve("App.java"), "class App {}\n");
        Path readme = repo.resolve("README.md");
        Files.writeString(
                readme,
                String.join(
                        "\n",
                        "See [the guide](docs/guide.md#on-a-gpu-the-cuda-provider) and [gone](docs/gone.md).",
                        "[a bad anchor](docs/guide.md#on-a-gpu) and [a source line](App.java#L1).",
                        "[here](#top) <a id=\"top\"></a>",
                        "[escape](../outside.md) [built](target/app.jar)",
                        ""));

        MarkdownLinks links = new MarkdownLinks(repo);
        List<String> problems = new ArrayList<>();
        for (Link link : MarkdownLinks.relativeLinks(readme)) {
            String problem = links.problem(link);
            if (problem != null) {
                problems.add(link.line() + " " + link.target() + ": " + problem);
            }
        }

        assertThat(problems)
                .containsExactly(
                        "1 docs/gone.md: points to docs" + repo.getFileSystem().getSeparator()
                                + "gone.md, which does not exist",
                        "2 docs/guide.md#on-a-gpu: has anchor #on-a-gpu, which no heading of docs"
                                + repo.getFileSystem().getSeparator()
                                + "guide.md makes; it has [guide, on-a-gpu-the-cuda-provider]",
                        "4 ../outside.md: points outside the repository, to "
                                + repo.getParent().resolve("outside.md"),
                        "4 target/app.jar: points into target/, which the build makes and git does not hold");
    }

    @Test
    void shouldSkipLinksInCodeAndToOtherSchemes(@TempDir Path repo) throws IOException {
        Path page = repo.resolve("page.md");
        Files.writeString(
                page,
                String.join(
                        "\n",
                        "```bash",
                        "echo [not](a-link.md)",
                        "```",
                        "`[nor](this.md)` and [web](https://flink.apache.org) [mail](mailto:a@b.c)",
                        "[ref]: other.md",
                        ""));

        assertThat(MarkdownLinks.relativeLinks(page))
                .extracting(Link::target, Link::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("other.md", 5));
    }

    @Test
    void shouldSlugHeadingsAsGitHubDoes(@TempDir Path repo) throws IOException {
        Path page = repo.resolve("page.md");
        Files.writeString(
                page,
                String.join(
                        "\n",
                        "# Inferstream",
                        "## GPU (CUDA provider)",
                        "## Metrics and dashboard",
                        "## Metrics and dashboard",
                        "### `model_version` and **live** [updates](x.md)",
                        "```",
                        "## not a heading",
                        "```",
                        ""));

        assertThat(new MarkdownLinks(repo).anchors(page))
                .containsExactly(
                        "inferstream",
                        "gpu-cuda-provider",
                        "metrics-and-dashboard",
                        "metrics-and-dashboard-1",
                        "model_version-and-live-updates");
    }

    /** The Markdown pages users read: top-level pages, docs/, model cards and deploy/. */
    private static List<Path> documentation() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> top = Files.list(ROOT)) {
            top.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (String folder : List.of("docs", "models", "deploy")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        assertThat(pages).as("documentation pages").contains(ROOT.resolve("README.md"), ROOT.resolve("docs/README.md"));
        return pages;
    }

    /** The link paths of a page, without anchors, as written. */
    private static Set<String> linkedPaths(Path page) throws IOException {
        return MarkdownLinks.relativeLinks(page).stream()
                .map(link -> link.target().replaceFirst("#.*$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
