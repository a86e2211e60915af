package io.inferstream.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** What the pom says about versions and the files `package` builds, with ${...} resolved. */
final class PomFacts {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Document pom;

    private PomFacts(Document pom) {
        this.pom = pom;
        Element root = pom.getDocumentElement();
        properties.put("project.artifactId", childText(root, "artifactId"));
        properties.put("project.version", childText(root, "version"));
        properties.put("project.build.directory", "target");
        NodeList sections = root.getElementsByTagName("properties");
        for (int s = 0; s < sections.getLength(); s++) {
            if (sections.item(s).getParentNode() == root) {
                NodeList children = sections.item(s).getChildNodes();
                for (int i = 0; i < children.getLength(); i++) {
                    if (children.item(i) instanceof Element) {
                        Element property = (Element) children.item(i);
                        properties.put(
                                property.getTagName(), property.getTextContent().trim());
                    }
                }
            }
        }
    }

    static PomFacts load(Path pomFile) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return new PomFacts(factory.newDocumentBuilder().parse(pomFile.toFile()));
    }

    /** A property (${name} references resolved); fails naming it if the pom has none. */
    String property(String name) {
        String value = properties.get(name);
        if (value == null) {
            throw new AssertionError("pom.xml has no property '" + name + "'");
        }
        return resolve(value);
    }

    /** The version of a dependency, resolved; fails naming it if the pom has no such dependency. */
    String dependencyVersion(String groupId, String artifactId) {
        NodeList dependencies = pom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String declared = childText(dependency, "artifactId");
            if (groupId.equals(childText(dependency, "groupId"))
                    && declared != null
                    && artifactId.equals(resolve(declared))) {
                return resolve(childText(dependency, "version"));
            }
        }
        throw new AssertionError("pom.xml has no dependency " + groupId + ":" + artifactId);
    }

    /** The job jar the shade plugin attaches: target/ARTIFACT-VERSION-CLASSIFIER.jar. */
    Path shadedJar() {
        NodeList classifiers = pom.getElementsByTagName("shadedClassifierName");
        if (classifiers.getLength() != 1) {
            throw new AssertionError("pom.xml should name one shadedClassifierName; found " + classifiers.getLength());
        }
        Element build = firstChild(pom.getDocumentElement(), "build");
        String finalName = build == null ? null : childText(build, "finalName");
        String baseName = finalName != null
                ? resolve(finalName)
                : property("project.artifactId") + "-" + property("project.version");
        return Path.of(property("project.build.directory"))
                .resolve(baseName + "-" + classifiers.item(0).getTextContent().trim() + ".jar");
    }

    /** The Main-Class the shade plugin writes into the job jar's manifest. */
    String shadedJarMainClass() {
        NodeList transformers = pom.getElementsByTagName("transformer");
        for (int i = 0; i < transformers.getLength(); i++) {
            Element transformer = (Element) transformers.item(i);
            if (transformer.getAttribute("implementation").endsWith(".ManifestResourceTransformer")) {
                String mainClass = childText(transformer, "mainClass");
                if (mainClass != null) {
                    return resolve(mainClass);
                }
            }
        }
        throw new AssertionError("pom.xml has no ManifestResourceTransformer with a mainClass");
    }

    private String resolve(String value) {
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(property(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    private static Element firstChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(tag)) {
                return (Element) n;
            }
        }
        return null;
    }

    private static String childText(Element parent, String tag) {
        Element child = firstChild(parent, tag);
        return child == null ? null : child.getTextContent().trim();
    }
}
