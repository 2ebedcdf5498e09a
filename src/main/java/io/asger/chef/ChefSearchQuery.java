package io.asger.chef;

import io.asger.errors.PermanentFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Turns an instance id into the Chef node search for it, from the template asger.chef.search-query
 * (e.g. {@code ec2_instance_id:{instanceId}}, or {@code tags:{instanceId}} for the original asger's convention).
 *
 * <p>The id must be an EC2 instance id, and it is inserted with every Lucene query character escaped, so no
 * instance id can widen the search (a wildcard, a quote, {@code OR}, a second field) or reach another path.
 */
public class ChefSearchQuery {

    public static final String PLACEHOLDER = "{instanceId}";

    private static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    /** Lucene/Solr query syntax characters, as escaped by Solr's ClientUtils.escapeQueryChars. */
    private static final String LUCENE_SPECIAL = "\\+-!():^[]\"{}~*?|&;/";

    private String template = "ec2_instance_id:" + PLACEHOLDER;

    /** The search for one instance; throws PermanentFailure (before any request) for anything but an instance id. */
    public Query build(String instanceId) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new PermanentFailure("not an EC2 instance id, refusing to search Chef for it: "
                    + (instanceId == null ? "null" : "'" + printable(instanceId) + "'"));
        }
        return new Query(template.replace(PLACEHOLDER, escape(instanceId)));
    }

    /** Escapes every Lucene query character and whitespace with a backslash. */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() * 2);
        for (char c : value.toCharArray()) {
            if (LUCENE_SPECIAL.indexOf(c) >= 0 || Character.isWhitespace(c)) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    public void setTemplate(String template) {
        if (template == null || !template.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("asger.chef.search-query must contain " + PLACEHOLDER + ", got '" + template + "'");
        }
        this.template = template;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            if (out.length() > 80) {
                return out.append("...").toString();
            }
        }
        return out.toString();
    }

    /** One search: the query text (for logs and messages) and its form for a URL query parameter. */
    public static final class Query {
        private final String text;

        Query(String text) {
            this.text = text;
        }

        public String getText() {
            return text;
        }

        public String getUrlEncoded() {
            return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
