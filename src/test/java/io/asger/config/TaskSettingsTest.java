package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each task's settings, checked only when the task is on, every bad one named at once. */
class TaskSettingsTest {

    @TempDir
    Path dir;

    static AsgerSettings read(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        return AsgerSettings.read(new Settings(name -> Optional.ofNullable(all.get(name))));
    }

    static InvalidSettingException refused(Map<String, String> values) {
        try {
            read(values);
        } catch (InvalidSettingException e) {
            return e;
        }
        throw new AssertionError("accepted " + values);
    }

    @Test
    void chefWithoutItsSettingsNamesAllThreeAtOnce() {
        InvalidSettingException e = refused(Map.of("asger.tasks", "chef"));
        assertThat(e.lines()).hasSize(3);
        assertThat(e.lines().get(0)).startsWith("asger.chef.url: is required because asger.tasks includes 'chef'").contains("ASGER_CHEF_URL");
        assertThat(e.lines().get(1)).startsWith("asger.chef.client-name: is required").contains("ASGER_CHEF_CLIENT_NAME");
        assertThat(e.lines().get(2)).startsWith("asger.chef.key-file: is required").contains("ASGER_CHEF_KEY_FILE");
    }

    @Test
    void aChefKeyFileIsReadAtStartUp() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("key.pem"), "not a key");
        InvalidSettingException e = refused(Map.of("asger.tasks", "chef", "asger.chef.url", "https://chef.example.com",
                "asger.chef.client-name", "asger", "asger.chef.key-file", notAKey.toString()));
        assertThat(e.lines()).singleElement().asString().startsWith("asger.chef.key-file: is not a usable Chef client key");
        assertThat(refused(Map.of("asger.tasks", "chef", "asger.chef.url", "https://chef.example.com",
                "asger.chef.client-name", "asger", "asger.chef.key-file", dir.resolve("missing.pem").toString())).lines())
                .singleElement().asString().startsWith("asger.chef.key-file: names '").contains("which is not a file");
    }

    @Test
    void badValuesOfTheTaskBeansAreConfigurationErrors() {
        InvalidSettingException e = refused(Map.of("asger.tasks", "chef,route53,consul",
                "asger.chef.sign-version", "2.0", "asger.chef.search-query", "name:web",
                "asger.route53.zone-id", "z-123", "asger.route53.requests-per-second", "0",
                "asger.route53.ttl", "-1", "asger.route53.batch-window-ms", "soon", "asger.route53.address", "elastic",
                "asger.consul.url", "notaurl"));
        assertThat(e.lines()).anySatisfy(l -> assertThat(l).startsWith("asger.chef.sign-version: must be one of 1.0, 1.1, 1.3, was '2.0'"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.chef.search-query: must contain {instanceId}"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.route53.zone-id: must be a hosted zone id such as Z0123456789EXAMPLE, was 'z-123'"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.route53.requests-per-second: must be from 0.1 to 100.0, was 0"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.route53.ttl: must be from 0 to 604800, was -1"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.route53.batch-window-ms: must be a whole number"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.route53.address: must be one of private, public, was 'elastic'"))
                .anySatisfy(l -> assertThat(l).startsWith("asger.consul.url: must be an http or https URL, was 'notaurl'")
                        .contains("ASGER_CONSUL_URL"));
        assertThat(e.lines()).allSatisfy(l -> assertThat(l).contains("(set it in application.properties"));
    }

    @Test
    void aTaskThatIsOffIsNeitherReadNorChecked() {
        AsgerSettings s = read(Map.of("asger.tasks", "log", "asger.consul.ca-file", "/no/such/ca.pem",
                "asger.consul.url", "notaurl", "asger.route53.requests-per-second", "0", "asger.chef.sign-version", "9"));
        assertThat(s.task(ConsulSettings.class)).isEmpty();
        assertThat(s.core().tasks()).containsExactly("log");
    }

    @Test
    void aConsulCaFileMustBeAPemBundle() throws Exception {
        Path bad = Files.writeString(dir.resolve("ca.pem"), "no certificates here");
        assertThat(refused(Map.of("asger.tasks", "consul", "asger.consul.url", "https://127.0.0.1:8501",
                "asger.consul.ca-file", bad.toString())).lines())
                .singleElement().asString().startsWith("asger.consul.ca-file: is not a PEM bundle of CA certificates");
    }

    @Test
    void coreAndTaskProblemsComeTogether() {
        InvalidSettingException e = refused(Map.of("asger.tasks", "route53,Bad", "asger.concurrency", "lots"));
        assertThat(e.lines()).extracting(l -> l.substring(0, l.indexOf(':')))
                .containsExactly("asger.tasks", "asger.concurrency", "asger.route53.zone-id");
    }

    @Test
    void goodSettingsAreReadIntoTheTaskRecords() {
        AsgerSettings s = read(Map.of("asger.tasks", "route53,consul", "asger.route53.zone-id", "/hostedzone/Z0123456789ABC",
                "asger.route53.requests-per-second", "2.5", "asger.consul.url", "http://127.0.0.1:8500"));
        assertThat(s.task(Route53Settings.class)).get().extracting(Route53Settings::requestsPerSecond).isEqualTo(2.5);
        assertThat(s.task(ConsulSettings.class)).get().extracting(c -> c.url().toString()).isEqualTo("http://127.0.0.1:8500");
        assertThat(s.task(ChefSettings.class)).isEmpty();
    }
}
