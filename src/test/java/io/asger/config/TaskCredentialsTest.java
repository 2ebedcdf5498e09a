package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's credentials are checked at start-up, not at the first event (issue 14, "fail fast"). */
class TaskCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void aConsulTokenFileThatIsNotThereIsNamedAtStartUp() {
        InvalidSettingException e = TaskSettingsTest.refused(Map.of("asger.tasks", "consul",
                "asger.consul.url", "http://127.0.0.1:8500", "asger.consul.token-file", dir.resolve("token").toString()));
        assertThat(e.lines()).singleElement().asString()
                .startsWith("asger.consul.token-file: names '" + dir.resolve("token") + "', which is not a file")
                .contains("ASGER_CONSUL_TOKEN_FILE");
    }

    @Test
    void theChefKeyAndAConsulTokenFileThatAreThereAreAccepted() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "a-token\n");
        AsgerSettings s = TaskSettingsTest.read(Map.of("asger.tasks", "chef,consul",
                "asger.chef.url", "https://chef.example.com", "asger.chef.client-name", "asger",
                "asger.chef.key-file", "src/test/resources/chef/test-client-pkcs1.pem",
                "asger.consul.url", "http://127.0.0.1:8500", "asger.consul.token-file", token.toString()));
        assertThat(s.task(ConsulSettings.class).orElseThrow().tokenFile()).contains(token);
        assertThat(s.task(ChefSettings.class).orElseThrow().keyFile()).isEqualTo(Path.of("src/test/resources/chef/test-client-pkcs1.pem"));
    }

    @Test
    void theBadCredentialsOfSeveralTasksAreNamedTogether() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("key.pem"), "not a key");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        InvalidSettingException e = TaskSettingsTest.refused(Map.of("asger.tasks", "chef,consul",
                "asger.chef.url", "https://chef.example.com", "asger.chef.client-name", "asger",
                "asger.chef.key-file", notAKey.toString(), "asger.chef.trust-store", notPem.toString(),
                "asger.consul.url", "https://127.0.0.1:8501", "asger.consul.ca-file", notPem.toString(),
                "asger.consul.token-file", dir.resolve("missing").toString()));
        assertThat(e.lines()).extracting(l -> l.substring(0, l.indexOf(':'))).containsExactlyInAnyOrder(
                "asger.chef.key-file", "asger.chef.trust-store", "asger.consul.token-file", "asger.consul.ca-file");
    }
}
