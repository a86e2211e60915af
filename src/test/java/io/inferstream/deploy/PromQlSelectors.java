package io.inferstream.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The series selectors of a PromQL expression ({@code name{label=~"value"}}), found by a small
 * scanner: enough for a dashboard's queries, not a PromQL parser. Functions, aggregations with their
 * {@code by (...)} lists, ranges, numbers, strings and Grafana's {@code $variables} are skipped.
 */
final class PromQlSelectors {
    /** One label matcher: {@code label op "value"}. */
    static final class LabelMatcher {
        final String label;
        final String op;
        final String value;

        LabelMatcher(String label, String op, String value) {
            this.label = label;
            this.op = op;
            this.value = value;
        }

        @Override
        public String toString() {
            return label + op + '"' + value + '"';
        }
    }

    /** A selector: a metric name (null if the braces stand alone) and its label matchers. */
    static final class Selector {
        final String metric;
        final List<LabelMatcher> matchers;

        Selector(String metric, List<LabelMatcher> matchers) {
            this.metric = metric;
            this.matchers = matchers;
        }

        @Override
        public String toString() {
            return (metric == null ? "" : metric) + matchers;
        }
    }

    private static final Set<String> LABEL_LIST_KEYWORDS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> OPERATOR_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2");
    /** Aggregations, which may be followed by {@code by (...)} before their parenthesis. */
    private static final Set<String> AGGREGATIONS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");

    private final String expr;
    private int pos;

    private PromQlSelectors(String expr) {
        this.expr = expr;
    }

    static List<Selector> of(String expr) {
        return new PromQlSelectors(expr).scan();
    }

    private List<Selector> scan() {
        List<Selector> selectors = new ArrayList<>();
        while (pos < expr.length()) {
            char c = expr.charAt(pos);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '[') {
                skipPast(']');
            } else if (c == '$') {
                pos++;
                skipWhile("_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ{}");
            } else if (Character.isDigit(c) || c == '.') {
                skipWhile("0123456789.eE");
            } else if (c == '{') {
                selectors.add(new Selector(null, matchers()));
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                String word = identifier();
                char next = nextNonSpace();
                if (LABEL_LIST_KEYWORDS.contains(word)) {
                    if (next == '(') {
                        skipPast(')');
                    }
                } else if (OPERATOR_KEYWORDS.contains(word) || AGGREGATIONS.contains(word) || next == '(') {
                    // a function, an aggregation or a binary operator: what follows is scanned on
                    if (word.equals("offset")) {
                        skipSpaces();
                        skipWhile("0123456789smhdwy");
                    }
                } else if (next == '{') {
                    skipSpaces();
                    selectors.add(new Selector(word, matchers()));
                } else {
                    selectors.add(new Selector(word, List.of()));
                }
            } else {
                pos++;
            }
        }
        return selectors;
    }

    /** Reads {@code {label op "value", ...}} from the opening brace on. */
    private List<LabelMatcher> matchers() {
        List<LabelMatcher> matchers = new ArrayList<>();
        pos++;
        while (true) {
            skipSpaces();
            if (pos >= expr.length()) {
                throw new IllegalArgumentException("unclosed { in " + expr);
            }
            if (expr.charAt(pos) == '}') {
                pos++;
                return matchers;
            }
            if (expr.charAt(pos) == ',') {
                pos++;
                continue;
            }
            String label = identifier();
            skipSpaces();
            int opStart = pos;
            skipWhile("=~!");
            String op = expr.substring(opStart, pos);
            skipSpaces();
            if (label.isEmpty() || op.isEmpty() || pos >= expr.length() || expr.charAt(pos) != '"') {
                throw new IllegalArgumentException("cannot read the label matcher at " + opStart + " of " + expr);
            }
            int valueStart = pos + 1;
            skipString('"');
            matchers.add(new LabelMatcher(label, op, expr.substring(valueStart, pos - 1)));
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < expr.length()
                && (Character.isLetterOrDigit(expr.charAt(pos))
                        || expr.charAt(pos) == '_'
                        || expr.charAt(pos) == ':')) {
            pos++;
        }
        return expr.substring(start, pos);
    }

    private char nextNonSpace() {
        int p = pos;
        while (p < expr.length() && Character.isWhitespace(expr.charAt(p))) {
            p++;
        }
        return p < expr.length() ? expr.charAt(p) : 0;
    }

    private void skipSpaces() {
        while (pos < expr.length() && Character.isWhitespace(expr.charAt(pos))) {
            pos++;
        }
    }

    private void skipWhile(String chars) {
        while (pos < expr.length() && chars.indexOf(expr.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private void skipPast(char close) {
        int end = expr.indexOf(close, pos);
        pos = end < 0 ? expr.length() : end + 1;
    }

    /** From an opening quote to just past the closing one, over backslash escapes. */
    private void skipString(char quote) {
        pos++;
        while (pos < expr.length() && expr.charAt(pos) != quote) {
            pos += expr.charAt(pos) == '\\' ? 2 : 1;
        }
        pos++;
    }
}
