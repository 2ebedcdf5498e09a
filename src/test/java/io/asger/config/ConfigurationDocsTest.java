package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * application.properties and the README's configuration tables say the same: the same asger.* keys, the same
 * defaults, and meanings that agree on the facts a reader acts on (the settings they refer to, and an order:
 * "before" in one and "after" in the other is the kind of disagreement this catches).
 */
class ConfigurationDocsTest {

    record Documented(String value, String meaning) {
    }

    static final Pattern README_ROW = Pattern.compile(
            "^\\| `(asger\\.[a-z0-9.<>-]+)`(?: \\(`ASGER_[A-Z0-9_<>-]+`\\))? \\| ([^|]*) \\| (.*) \\|$");
    /** The settings a meaning refers to, and an order between things a task deletes ("before the node"). */
    static final Pattern FACT = Pattern.compile(
            "asger\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)*[a-z0-9*]|\\b(?:before|after) the (?:node|client)\\b");

    static Map<String, Documented> properties() throws IOException {
        Map<String, Documented> keys = new LinkedHashMap<>();
        StringBuilder comment = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.startsWith("#")) {
                comment.append(line.substring(1).trim()).append(' ');
            } else if (line.startsWith("asger.")) {
                int eq = line.indexOf('=');
                // The value as Java reads it: "\\." in the file is "\." (a regular expression's dot).
                java.util.Properties one = new java.util.Properties();
                one.load(new java.io.StringReader(line));
                String key = line.substring(0, eq).trim();
                keys.put(key, new Documented(one.getProperty(key).trim(), comment.toString().trim()));
                comment.setLength(0);
            } else {
                comment.setLength(0);
            }
        }
        return keys;
    }

    static Map<String, Documented> readme() throws IOException {
        Map<String, Documented> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = README_ROW.matcher(line);
            if (m.matches()) {
                keys.put(m.group(1), new Documented(defaultOf(m.group(2).trim()), m.group(3)));
            }
        }
        return keys;
    }

    /** `x` is x; (empty), —, — (required) are the empty value. */
    static String defaultOf(String cell) {
        if (cell.startsWith("`") && cell.endsWith("`")) {
            return cell.substring(1, cell.length() - 1);
        }
        return "";
    }

    static Set<String> facts(String text, String self) {
        Set<String> facts = new TreeSet<>();
        Matcher m = FACT.matcher(text);
        while (m.find()) {
            facts.add(m.group());
        }
        facts.remove(self);
        return facts;
    }

    @Test
    void everyPropertyHasACommentAndAReadmeRowAndBackAgain() throws IOException {
        Map<String, Documented> props = properties();
        Map<String, Documented> readme = readme();
        assertThat(readme.keySet()).as("README rows").containsExactlyInAnyOrderElementsOf(props.keySet());
        props.forEach((key, doc) -> assertThat(doc.meaning()).as("comment of " + key).isNotBlank());
    }

    @Test
    void defaultsAgree() throws IOException {
        Map<String, Documented> readme = readme();
        properties().forEach((key, doc) -> {
            if (readme.containsKey(key)) {
                assertThat(readme.get(key).value()).as("README default of " + key).isEqualTo(doc.value());
            }
        });
    }

    @Test
    void meaningsAgreeOnTheSettingsTheyNameAndOnOrder() throws IOException {
        Map<String, Documented> readme = readme();
        properties().forEach((key, doc) -> {
            if (readme.containsKey(key)) {
                assertThat(facts(readme.get(key).meaning(), key)).as("README meaning of " + key + " vs its comment")
                        .isEqualTo(facts(doc.meaning(), key));
            }
        });
    }

    @Test
    void theKeysNamedPerAccountAreDocumentedOnceByTheirPattern() throws IOException {
        // One row for asger.accounts.<account-id>.role-arn, in the form the code reads (AccountSettings.ROLE_ARN).
        assertThat(properties()).containsKey(AccountSettings.ROLE_ARN);
        assertThat(readme()).containsKey(AccountSettings.ROLE_ARN);
        assertThat(Files.readString(Path.of("README.md"))).contains("`" + AccountSettings.ROLE_ARN + "` (`"
                + "ASGER_ACCOUNTS_<ACCOUNT-ID>_ROLE_ARN`)");
        assertThat(AccountSettings.roleArnKey("111122223333")).isEqualTo(AccountSettings.ROLE_ARN.replace("<account-id>",
                "111122223333"));
    }

    @Test
    void theChefClientGoesBeforeTheNodeEverywhere() throws IOException {
        // The code deletes the client first on purpose: a retry finds its work by searching for the node.
        assertThat(readme().get("asger.chef.delete-client").meaning()).contains("before the node");
        assertThat(properties().get("asger.chef.delete-client").meaning()).contains("before the node");
        assertThat(List.of(Files.readString(Path.of("routes/chef.camel.yaml")))).allMatch(s -> s.contains("Client, then node"));
    }
}
