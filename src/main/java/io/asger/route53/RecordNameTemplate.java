package io.asger.route53;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record name template such as {@code {groupName}-{privateIpDashed}.internal.example.com}, rendered for one instance
 * into a fully qualified, lower-case DNS name with a trailing dot (the form Route 53 answers with).
 *
 * <p>Placeholders: {@code {instanceId} {groupName} {privateIpDashed} {publicIpDashed}}. The rendered name must be a
 * legal host name (labels of a-z, 0-9 and '-', 1-63 characters, 253 in all): an Auto Scaling group name may contain
 * characters such as '_', '.', ' ' or ':' that are not, and Route 53 would otherwise store them escaped.
 */
public final class RecordNameTemplate {

    public static final Set<String> PLACEHOLDERS = Set.of("instanceId", "groupName", "privateIpDashed", "publicIpDashed");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final String template;

    private RecordNameTemplate(String template) {
        this.template = template;
    }

    /** @throws InvalidRecordName for an empty template or an unknown placeholder */
    public static RecordNameTemplate of(String template) {
        if (template == null || template.isBlank()) {
            throw new InvalidRecordName("record name template is empty (asger.route53.record-name)");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new InvalidRecordName("record name template '" + template + "' has unknown placeholder {"
                        + m.group(1) + "}; known: " + PLACEHOLDERS);
            }
        }
        return new RecordNameTemplate(template.trim());
    }

    /** Whether the template has the placeholder {@code {name}}. */
    public boolean uses(String placeholder) {
        return template.contains("{" + placeholder + "}");
    }

    /**
     * The name for one instance, or empty when the template needs a value the instance does not have (an IP of an
     * instance that is gone).
     *
     * @throws InvalidRecordName when the result is not a legal DNS name
     */
    public Optional<String> render(String instanceId, String groupName, String privateIp, String publicIp) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("instanceId", instanceId);
        values.put("groupName", groupName);
        values.put("privateIpDashed", privateIp == null ? null : privateIp.replace('.', '-'));
        values.put("publicIpDashed", publicIp == null ? null : publicIp.replace('.', '-'));
        StringBuilder out = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Optional.of(checkedName(out.toString(), template));
    }

    /** Lower-cases, adds the trailing dot and checks a DNS name. */
    static String checkedName(String rendered, String template) {
        String name = rendered.toLowerCase(Locale.ROOT);
        String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        String why = null;
        if (bare.isEmpty()) {
            why = "it is empty";
        } else if (bare.length() > 253) {
            why = "it is longer than 253 characters";
        } else {
            for (String label : bare.split("\\.", -1)) {
                if (label.length() > 63) {
                    why = "label '" + label + "' is longer than 63 characters";
                    break;
                }
                if (!LABEL.matcher(label).matches()) {
                    why = label.isEmpty() ? "it has an empty label" : "label '" + label
                            + "' may only hold a-z, 0-9 and '-' (not first or last)";
                    break;
                }
            }
        }
        if (why != null) {
            throw new InvalidRecordName("record name '" + rendered + "' from template '" + template
                    + "' is not a legal DNS name: " + why
                    + " (set the group's asger:record-name tag or asger.route53.record-name)");
        }
        return bare + ".";
    }

    @Override
    public String toString() {
        return template;
    }
}
